#include "exec/stateful/state_schema.h"

#include <simdjson.h>

#include "common/json_writer.h"
#include "env/atomic_file.h"
#include "types/data_type.h"

namespace sluice {

namespace {

constexpr const char* kVersionLine = "v1";
constexpr int kVersion = 1;

std::string KeyList(const std::vector<StateKeyColumn>& keys) {
  std::string s = "(";
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i].name + " " + keys[i].type;
  return s + ")";
}

std::string ValueList(const std::vector<StateValueColumn>& values, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) s += (i > from ? ", " : "") + values[i].ToString();
  return s;
}

bool SameKey(const StateKeyColumn& a, const StateKeyColumn& b) {
  return EqualsIgnoreCase(a.name, b.name) && a.type == b.type;
}

bool SameValue(const StateValueColumn& a, const StateValueColumn& b) {
  return EqualsIgnoreCase(a.sql, b.sql) && EqualsIgnoreCase(a.function, b.function) &&
         a.ignore_nulls == b.ignore_nulls && a.argument_type == b.argument_type && a.result_type == b.result_type &&
         a.state_types == b.state_types;
}

// "sum(x) AS s BIGINT", with the argument and state types when the short
// forms of two different columns would read the same.
std::string Describe(const StateValueColumn& v, bool detailed) {
  std::string s = v.ToString();
  if (!detailed) return s;
  s += " (argument " + v.argument_type.value_or("none") + ", state ";
  for (size_t i = 0; i < v.state_types.size(); ++i) s += (i ? ", " : "") + v.state_types[i];
  return s + ")";
}

// What differs between two value column lists, or "" if nothing does.
std::string ValueChange(const std::vector<StateValueColumn>& was, const std::vector<StateValueColumn>& now) {
  size_t common = std::min(was.size(), now.size());
  for (size_t i = 0; i < common; ++i) {
    if (SameValue(was[i], now[i])) continue;
    bool detailed = was[i].ToString() == now[i].ToString();
    return "column " + std::to_string(i) + " was " + Describe(was[i], detailed) + ", is now " +
           Describe(now[i], detailed);
  }
  auto columns = [](size_t from, size_t to) {
    return to - from == 1 ? "column " + std::to_string(from)
                          : "columns " + std::to_string(from) + " to " + std::to_string(to - 1);
  };
  if (now.size() > was.size()) {
    return columns(was.size(), now.size()) + " " + ValueList(now, was.size(), now.size()) +
           (now.size() - was.size() == 1 ? " was added" : " were added");
  }
  if (was.size() > now.size()) {
    return columns(now.size(), was.size()) + " " + ValueList(was, now.size(), was.size()) +
           (was.size() - now.size() == 1 ? " was removed" : " were removed");
  }
  return "";
}

// --- reading ---

struct Reader {
  const std::string& path;

  Status Bad(const std::string& what) const { return Status::Corruption("state schema file " + path + " " + what); }

  Status String(const simdjson::dom::object& o, std::string_view key, std::string* out, const std::string& where) const {
    std::string_view sv;
    if (o[key].get_string().get(sv)) return Bad(where + "lacks the string field \"" + std::string(key) + "\"");
    *out = std::string(sv);
    return Status::OK();
  }

  Status Array(const simdjson::dom::object& o, std::string_view key, simdjson::dom::array* out,
               const std::string& where) const {
    if (o[key].get_array().get(*out)) return Bad(where + "lacks the array field \"" + std::string(key) + "\"");
    return Status::OK();
  }
};

void WriteValues(JsonWriter& w, const std::vector<StateValueColumn>& values) {
  w.BeginArray();
  for (const auto& v : values) {
    w.BeginObject().Key("name").String(v.name).Key("function").String(v.function).Key("sql").String(v.sql);
    w.Key("argumentType");
    if (v.argument_type) {
      w.String(*v.argument_type);
    } else {
      w.Null();
    }
    w.Key("resultType").String(v.result_type).Key("stateTypes").BeginArray();
    for (const auto& t : v.state_types) w.String(t);
    w.EndArray();
    if (v.ignore_nulls) w.Key("ignoreNulls").Bool(true);
    w.EndObject();
  }
  w.EndArray();
}

// The key and value column lists of the schema or of one of its stores.
Status ParseColumns(const Reader& r, const simdjson::dom::array& keys, const simdjson::dom::array& values,
                    const std::string& prefix, std::vector<StateKeyColumn>* out_keys,
                    std::vector<StateValueColumn>* out_values);

}  // namespace

std::string StateValueColumn::ToString() const {
  return sql + (name == sql ? "" : " AS " + name) + " " + result_type;
}

std::string StateSchema::Serialize() const {
  JsonWriter w;
  w.BeginObject().Key("operator").String(operator_name).Key("keyColumns").BeginArray();
  for (const auto& k : keys) w.BeginObject().Key("name").String(k.name).Key("type").String(k.type).EndObject();
  w.EndArray().Key("valueColumns");
  WriteValues(w, values);
  if (!stores.empty()) {
    w.Key("stores").BeginArray();
    for (const auto& st : stores) {
      w.BeginObject().Key("name").String(st.name).Key("keyColumns").BeginArray();
      for (const auto& k : st.keys) w.BeginObject().Key("name").String(k.name).Key("type").String(k.type).EndObject();
      w.EndArray().Key("valueColumns");
      WriteValues(w, st.values);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(kVersionLine) + "\n" + w.Take() + "\n";
}

Result<StateSchema> StateSchema::Parse(const std::string& path, const std::string& text) {
  Reader r{path};
  if (text.empty()) return r.Bad("is empty");
  if (text.back() != '\n') return r.Bad("is truncated: its last line does not end with a newline");
  size_t nl = text.find('\n');
  std::string_view version(text.data(), nl);
  int v = 0;
  bool digits = version.size() >= 2 && version[0] == 'v' && version[1] != '0';
  for (size_t i = 1; digits && i < version.size(); ++i) {
    digits = version[i] >= '0' && version[i] <= '9' && i < 10;
    if (digits) v = v * 10 + (version[i] - '0');
  }
  if (!digits) {
    return r.Bad("is malformed: the first line must be a version such as \"v1\", found \"" +
                 std::string(version.substr(0, 20)) + "\"");
  }
  if (v > kVersion) {
    return r.Bad("has version " + std::string(version) + " but this Sluice supports up to v" +
                 std::to_string(kVersion) + "; upgrade Sluice");
  }
  std::string_view body(text.data() + nl + 1, text.size() - nl - 1);
  if (body.empty()) return r.Bad("is truncated: the schema line after the version is missing");
  body.remove_suffix(1);
  if (body.find('\n') != std::string_view::npos) return r.Bad("has more than 2 lines; a state schema file has exactly 2");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(body.data(), body.size(), true).get(doc)) {
    return r.Bad("line 2 is not valid JSON: " + std::string(simdjson::error_message(err)));
  }
  simdjson::dom::object root;
  if (doc.get_object().get(root)) return r.Bad("line 2 must be a JSON object");
  StateSchema s;
  SLUICE_RETURN_NOT_OK(r.String(root, "operator", &s.operator_name, ""));
  simdjson::dom::array keys, values;
  SLUICE_RETURN_NOT_OK(r.Array(root, "keyColumns", &keys, ""));
  SLUICE_RETURN_NOT_OK(r.Array(root, "valueColumns", &values, ""));
  SLUICE_RETURN_NOT_OK(ParseColumns(r, keys, values, "", &s.keys, &s.values));
  simdjson::dom::array stores;
  if (!root["stores"].get_array().get(stores)) {
    size_t n = 0;
    for (simdjson::dom::element e : stores) {
      std::string where = "store " + std::to_string(n++) + " ";
      simdjson::dom::object o;
      if (e.get_object().get(o)) return r.Bad(where + "is not a JSON object");
      StateStoreSchema st;
      SLUICE_RETURN_NOT_OK(r.String(o, "name", &st.name, where));
      simdjson::dom::array skeys, svalues;
      SLUICE_RETURN_NOT_OK(r.Array(o, "keyColumns", &skeys, where));
      SLUICE_RETURN_NOT_OK(r.Array(o, "valueColumns", &svalues, where));
      SLUICE_RETURN_NOT_OK(ParseColumns(r, skeys, svalues, where, &st.keys, &st.values));
      s.stores.push_back(std::move(st));
    }
  }
  return s;
}

namespace {
Status ParseColumns(const Reader& r, const simdjson::dom::array& keys, const simdjson::dom::array& values,
                    const std::string& prefix, std::vector<StateKeyColumn>* out_keys,
                    std::vector<StateValueColumn>* out_values) {
  size_t i = 0;
  for (simdjson::dom::element e : keys) {
    std::string where = prefix + "key column " + std::to_string(i++) + " ";
    simdjson::dom::object o;
    if (e.get_object().get(o)) return r.Bad(where + "is not a JSON object");
    StateKeyColumn k;
    SLUICE_RETURN_NOT_OK(r.String(o, "name", &k.name, where));
    SLUICE_RETURN_NOT_OK(r.String(o, "type", &k.type, where));
    out_keys->push_back(std::move(k));
  }
  i = 0;
  for (simdjson::dom::element e : values) {
    std::string where = prefix + "value column " + std::to_string(i++) + " ";
    simdjson::dom::object o;
    if (e.get_object().get(o)) return r.Bad(where + "is not a JSON object");
    StateValueColumn c;
    SLUICE_RETURN_NOT_OK(r.String(o, "name", &c.name, where));
    SLUICE_RETURN_NOT_OK(r.String(o, "function", &c.function, where));
    SLUICE_RETURN_NOT_OK(r.String(o, "resultType", &c.result_type, where));
    SLUICE_RETURN_NOT_OK(r.String(o, "sql", &c.sql, where));
    simdjson::dom::element arg;
    if (o["argumentType"].get(arg)) return r.Bad(where + "lacks the field \"argumentType\"");
    if (!arg.is_null()) {
      std::string_view t;
      if (arg.get_string().get(t)) return r.Bad(where + "field \"argumentType\" must be a string or null");
      c.argument_type = std::string(t);
    }
    simdjson::dom::array state;
    SLUICE_RETURN_NOT_OK(r.Array(o, "stateTypes", &state, where));
    for (simdjson::dom::element t : state) {
      std::string_view sv;
      if (t.get_string().get(sv)) return r.Bad(where + "field \"stateTypes\" must hold strings");
      c.state_types.emplace_back(sv);
    }
    bool ignore_nulls = false;
    if (!o["ignoreNulls"].get_bool().get(ignore_nulls)) c.ignore_nulls = ignore_nulls;
    out_values->push_back(std::move(c));
  }
  return Status::OK();
}
}  // namespace

std::string StateSchemaPath(const std::string& checkpoint_dir, int operator_id) {
  return JoinPath(JoinPath(JoinPath(JoinPath(checkpoint_dir, "state"), std::to_string(operator_id)), "_metadata"),
                  "schema");
}

Status CheckStateSchemaCompatible(const StateSchema& stored, const StateSchema& current, int operator_id,
                                  const std::string& checkpoint_dir) {
  std::string head = current.operator_name + " (operator " + std::to_string(operator_id) +
                     "): the query's state schema is not compatible with the checkpoint " + checkpoint_dir + ": ";
  std::string tail = "; the state in " + JoinPath(JoinPath(checkpoint_dir, "state"), std::to_string(operator_id)) +
                     " was written by a query with other columns (" + StateSchemaPath(checkpoint_dir, operator_id) +
                     "): run the changed query with a new checkpoint location";
  if (stored.operator_name != current.operator_name) {
    return Status::InvalidArgument(head + "the checkpoint's operator " + std::to_string(operator_id) + " is a " +
                                   stored.operator_name + ", the query's is a " + current.operator_name +
                                   " [STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA]" + tail);
  }
  bool keys_same = stored.keys.size() == current.keys.size();
  for (size_t i = 0; keys_same && i < stored.keys.size(); ++i) keys_same = SameKey(stored.keys[i], current.keys[i]);
  if (!keys_same) {
    return Status::InvalidArgument(head + "key columns changed from " + KeyList(stored.keys) + " to " +
                                   KeyList(current.keys) + " [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]" + tail);
  }
  std::string change = ValueChange(stored.values, current.values);
  if (!change.empty()) {
    return Status::InvalidArgument(head + "value columns changed: " + change +
                                   " [STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]" + tail);
  }
  return Status::OK();
}

Result<std::optional<StateSchema>> ReadStateSchema(Env* env, const std::string& checkpoint_dir, int operator_id) {
  std::string path = StateSchemaPath(checkpoint_dir, operator_id);
  if (!env->FileExists(path)) return std::optional<StateSchema>();
  std::string text;
  SLUICE_RETURN_NOT_OK(env->ReadFileToString(path, &text));
  SLUICE_ASSIGN_OR_RETURN(auto schema, StateSchema::Parse(path, text));
  return std::optional<StateSchema>(std::move(schema));
}

Status WriteStateSchema(Env* env, const std::string& checkpoint_dir, int operator_id, const StateSchema& schema) {
  std::string path = StateSchemaPath(checkpoint_dir, operator_id);
  std::string dir = path.substr(0, path.rfind('/'));
  SLUICE_RETURN_NOT_OK(env->CreateDirRecursive(dir));
  SLUICE_RETURN_NOT_OK(CleanTempFiles(env, dir));
  return WriteFileAtomically(env, path, schema.Serialize());
}

}  // namespace sluice
