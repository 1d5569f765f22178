#include "stream/streaming_job.h"

#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include "api/session_impl.h"
#include "sql/parser.h"
#include "stream/connector_registry.h"

namespace sluice {

namespace {

// Splits on ';' outside quotes and comments; returns (statement, first line).
std::vector<std::pair<std::string, int>> SplitStatements(const std::string& text) {
  std::vector<std::pair<std::string, int>> out;
  std::string cur;
  int line = 1, start_line = 1;
  bool started = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') ++line;
    if (quote) {
      cur += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      while (i < text.size() && text[i] != '\n') ++i;
      ++line;
      cur += '\n';
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    if (c == ';') {
      if (started) out.push_back({cur, start_line});
      cur.clear();
      started = false;
      continue;
    }
    if (!started && !std::isspace(static_cast<unsigned char>(c))) {
      started = true;
      start_line = line;
    }
    cur += c;
  }
  if (started) out.push_back({cur, start_line});
  return out;
}

// A small tokenizer for the streaming statements' heads.
class Cursor {
 public:
  explicit Cursor(const std::string& s) : s_(s) {}
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Keyword(const char* kw) {
    Skip();
    size_t n = std::strlen(kw);
    if (s_.size() - pos_ < n || !EqualsIgnoreCase(std::string_view(s_).substr(pos_, n), kw)) return false;
    if (pos_ + n < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_ + n])) || s_[pos_ + n] == '_')) {
      return false;
    }
    pos_ += n;
    return true;
  }
  bool Keywords(std::initializer_list<const char*> kws) {
    size_t save = pos_;
    for (const char* k : kws) {
      if (!Keyword(k)) {
        pos_ = save;
        return false;
      }
    }
    return true;
  }
  std::optional<std::string> Ident() {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '`') {
      size_t e = s_.find('`', pos_ + 1);
      if (e == std::string::npos) return std::nullopt;
      std::string id = s_.substr(pos_ + 1, e - pos_ - 1);
      pos_ = e + 1;
      return id;
    }
    size_t b = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '-')) ++pos_;
    if (b == pos_) return std::nullopt;
    return s_.substr(b, pos_ - b);
  }
  std::optional<std::string> StringLit() {
    Skip();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return std::nullopt;
    char q = s_[pos_];
    size_t e = s_.find(q, pos_ + 1);
    if (e == std::string::npos) return std::nullopt;
    std::string v = s_.substr(pos_ + 1, e - pos_ - 1);
    pos_ = e + 1;
    return v;
  }
  bool Char(char c) {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Text up to the matching ')' (the '(' already consumed).
  std::optional<std::string> Parenthesized() {
    int depth = 1;
    size_t b = pos_;
    for (; pos_ < s_.size(); ++pos_) {
      if (s_[pos_] == '(') ++depth;
      if (s_[pos_] == ')' && --depth == 0) {
        std::string in = s_.substr(b, pos_ - b);
        ++pos_;
        return in;
      }
    }
    return std::nullopt;
  }
  std::string Rest() const { return s_.substr(pos_); }
  bool AtEnd() {
    Skip();
    return pos_ >= s_.size();
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;
};

Status Err(int line, const std::string& what) {
  return Status::SyntaxError("line " + std::to_string(line) + ": " + what);
}

Result<std::map<std::string, std::string>> ParseOptions(Cursor& c, int line) {
  std::map<std::string, std::string> out;
  if (!c.Keyword("OPTIONS")) return out;
  if (!c.Char('(')) return Err(line, "expected '(' after OPTIONS");
  while (true) {
    auto k = c.StringLit();
    if (!k) k = c.Ident();
    if (!k) return Err(line, "expected an option name in OPTIONS (...)");
    c.Char('=');
    auto v = c.StringLit();
    if (!v) v = c.Ident();
    if (!v) return Err(line, "expected a quoted value for option '" + *k + "'");
    out[*k] = *v;
    if (c.Char(')')) break;
    if (!c.Char(',')) return Err(line, "expected ',' or ')' in OPTIONS");
  }
  return out;
}

struct SinkDecl {
  std::string format;
  std::map<std::string, std::string> options;
};

}  // namespace

Result<std::unique_ptr<StreamingJob>> StreamingJob::Start(const std::shared_ptr<Session>& session,
                                                         const std::string& text) {
  auto job = std::make_unique<StreamingJob>();
  auto impl = std::static_pointer_cast<SessionImpl>(session);
  std::map<std::string, SinkDecl> sinks;
  for (const auto& [st, line] : SplitStatements(text)) {
    Cursor c(st);
    if (c.Keywords({"CREATE", "STREAM"})) {
      auto name = c.Ident();
      if (!name) return Err(line, "expected a stream name after CREATE STREAM");
      std::optional<Schema> schema;
      if (c.Char('(')) {
        auto cols = c.Parenthesized();
        if (!cols) return Err(line, "unclosed column list");
        auto s = ParseSchema(*cols);
        if (!s.ok()) return s.status().WithContext("line " + std::to_string(line));
        schema = *s;
      }
      if (!c.Keyword("USING")) return Err(line, "expected USING <source> in CREATE STREAM " + *name);
      auto format = c.Ident();
      if (!format) return Err(line, "expected a source name after USING");
      SLUICE_ASSIGN_OR_RETURN(auto options, ParseOptions(c, line));
      if (!c.AtEnd()) return Err(line, "unexpected text after CREATE STREAM: " + c.Rest());
      auto rel = MakeStreamingRelation(*format, options, schema);
      if (!rel.ok()) return rel.status().WithContext("line " + std::to_string(line) + ": CREATE STREAM " + *name);
      SLUICE_RETURN_NOT_OK(impl->catalog().CreateTable(*name, *rel, true, false));
    } else if (c.Keywords({"CREATE", "SINK"})) {
      auto name = c.Ident();
      if (!name) return Err(line, "expected a sink name after CREATE SINK");
      if (!c.Keyword("USING")) return Err(line, "expected USING <sink> in CREATE SINK " + *name);
      auto format = c.Ident();
      if (!format) return Err(line, "expected a sink name after USING");
      SLUICE_ASSIGN_OR_RETURN(auto options, ParseOptions(c, line));
      if (!c.AtEnd()) return Err(line, "unexpected text after CREATE SINK: " + c.Rest());
      sinks[ToLower(*name)] = SinkDecl{*format, options};
    } else if (c.Keywords({"START", "STREAMING", "QUERY"})) {
      auto name = c.Ident();
      if (!name) return Err(line, "expected a query name after START STREAMING QUERY");
      if (!c.Keyword("INTO")) return Err(line, "expected INTO <sink>");
      auto sink = c.Ident();
      if (!sink) return Err(line, "expected a sink name after INTO");
      auto it = sinks.find(ToLower(*sink));
      if (it == sinks.end()) return Err(line, "unknown sink '" + *sink + "' (declare it with CREATE SINK)");
      std::string mode = "append";
      Trigger trigger = Trigger::Default();
      std::optional<std::string> checkpoint;
      while (!c.Keyword("AS")) {
        if (c.Keywords({"OUTPUT", "MODE"})) {
          auto m = c.Ident();
          if (!m) return Err(line, "expected append, update or complete after OUTPUT MODE");
          mode = *m;
        } else if (c.Keywords({"TRIGGER", "PROCESSING", "TIME"})) {
          auto iv = c.StringLit();
          if (!iv) return Err(line, "expected a quoted interval after TRIGGER PROCESSING TIME");
          auto t = Trigger::ProcessingTime(*iv);
          if (!t.ok()) return t.status().WithContext("line " + std::to_string(line));
          trigger = *t;
        } else if (c.Keywords({"TRIGGER", "AVAILABLE", "NOW"})) {
          trigger = Trigger::AvailableNow();
        } else if (c.Keywords({"TRIGGER", "ONCE"})) {
          trigger = Trigger::Once();
        } else if (c.Keywords({"CHECKPOINT", "LOCATION"})) {
          checkpoint = c.StringLit();
          if (!checkpoint) return Err(line, "expected a quoted path after CHECKPOINT LOCATION");
        } else {
          return Err(line, "expected OUTPUT MODE, TRIGGER, CHECKPOINT LOCATION or AS in START STREAMING QUERY, got: " +
                               c.Rest().substr(0, 40));
        }
      }
      std::string query = c.Rest();
      DataFrame df = session->sql(query);
      if (!df.status().ok()) return df.status().WithContext("line " + std::to_string(line) + ": query " + *name);
      DataStreamWriter w = df.writeStream();
      w.format(it->second.format).options(it->second.options).outputMode(mode).trigger(trigger).queryName(*name);
      if (checkpoint) w.option("checkpointLocation", *checkpoint);
      auto q = w.start();
      if (!q.ok()) return q.status().WithContext("line " + std::to_string(line) + ": START STREAMING QUERY " + *name);
      job->queries_.push_back(*q);
    } else {
      auto r = session->Sql(st);
      if (!r.ok()) return r.status().WithContext("statement at line " + std::to_string(line));
    }
  }
  if (job->queries_.empty()) {
    return Status::InvalidArgument("the job starts no query (add START STREAMING QUERY ... AS SELECT ...)");
  }
  return job;
}

}  // namespace sluice
