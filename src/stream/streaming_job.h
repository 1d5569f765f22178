// StreamingJob: a whole streaming job in one SQL file (`sluice run job.sql`).
//
//   CREATE STREAM events USING rate OPTIONS (rowsPerSecond '1000');
//   CREATE STREAM clicks (id BIGINT, url STRING) USING json OPTIONS (path '/data/in', maxFilesPerTrigger '1');
//   CREATE SINK out USING console OPTIONS (numRows '20');
//   START STREAMING QUERY q INTO out
//     OUTPUT MODE complete
//     TRIGGER PROCESSING TIME '1 second'      -- or AVAILABLE NOW | ONCE (default: as soon as possible)
//     CHECKPOINT LOCATION '/tmp/ck'
//     AS SELECT value % 10 AS k, count(*) AS n FROM events GROUP BY value % 10;
//
// Connector names and options are Spark's (as in the DataFrame API). Other
// statements (CREATE TABLE/VIEW, SET, SELECT...) run as batch SQL, so
// static tables can be joined with streams. A stream is a catalog table whose
// scans read the stream, so any query over it is a streaming query.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/streaming.h"

namespace sluice {

class StreamingJob {
 public:
  struct Options {
    // Every query stops after this many micro-batches (0: no limit).
    int64_t max_batches = 0;
    // Test hooks, as DataStreamWriter's: the Env every query's checkpoint,
    // file sources and file sinks go through, and the clock its triggers
    // read (null: the process's).
    Env* env = nullptr;
    Clock* clock = nullptr;
  };
  // Runs the statements of `text` in order; START STREAMING QUERY starts a
  // query (returned in queries()). Errors name the statement's line; on an
  // error, the queries the job had started are stopped first.
  static Result<std::unique_ptr<StreamingJob>> Start(const std::shared_ptr<Session>& session, const std::string& text,
                                                     const Options& options);
  const std::vector<StreamingQuery>& queries() const { return queries_; }

 private:
  std::vector<StreamingQuery> queries_;
};

}  // namespace sluice
