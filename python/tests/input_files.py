"""Input files for the streaming tests' file sources."""
import json
import os


def write_json_lines(path, rows):
    """Adds a whole JSON-lines file to a watched directory: written under a
    hidden name (the file source skips names starting with '.' or '_'), then
    renamed. A file written in place can be listed while still empty, and the
    source then reads it as a batch of 0 rows and never again (as Spark's
    would)."""
    path = str(path)
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    os.replace(tmp, path)
