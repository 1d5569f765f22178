#include "connectors/connector_registry.h"

#include <algorithm>

#include "types/data_type.h"

namespace sluice {

const char* ConnectorKindName(ConnectorKind k) {
  switch (k) {
    case ConnectorKind::kSource: return "source";
    case ConnectorKind::kSink: return "sink";
    case ConnectorKind::kTable: return "table";
  }
  return "?";
}

bool ConnectorSpec::SupportsOutputMode(OutputMode m) const {
  return std::find(output_modes.begin(), output_modes.end(), m) != output_modes.end();
}

std::string ConnectorSpec::OutputModesText() const {
  std::string s;
  for (OutputMode m : output_modes) s += (s.empty() ? "" : ", ") + ToLower(OutputModeName(m));
  return s;
}

std::string ConnectorSpec::What() const {
  switch (kind) {
    case ConnectorKind::kSource: return "source '" + name + "'";
    case ConnectorKind::kSink: return "sink '" + name + "'";
    case ConnectorKind::kTable: return "table format '" + name + "'";
  }
  return name;
}

Status ConnectorRegistry::Register(ConnectorSpec spec) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& s : specs_) {
    if (s->kind == spec.kind && EqualsIgnoreCase(s->name, spec.name)) {
      return Status::AlreadyExists(std::string(ConnectorKindName(spec.kind)) + " '" + spec.name +
                                   "' is already registered");
    }
  }
  specs_.push_back(std::make_unique<ConnectorSpec>(std::move(spec)));
  return Status::OK();
}

const ConnectorSpec* ConnectorRegistry::Find(ConnectorKind kind, const std::string& name) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& s : specs_) {
    if (s->kind == kind && EqualsIgnoreCase(s->name, name)) return s.get();
  }
  return nullptr;
}

Result<const ConnectorSpec*> ConnectorRegistry::Get(ConnectorKind kind, const std::string& name) const {
  if (const ConnectorSpec* s = Find(kind, name)) return s;
  std::vector<std::string> names;
  std::string known;
  for (const ConnectorSpec* s : List()) {
    if (s->kind != kind) continue;
    names.push_back(s->name);
    known += (known.empty() ? "" : ", ") + s->name;
  }
  std::string closest = ClosestName(name, names);
  const char* what = kind == ConnectorKind::kSource ? "streaming source format"
                     : kind == ConnectorKind::kSink ? "streaming sink format"
                                                    : "table format";
  return Status::InvalidArgument(std::string("unknown ") + what + " '" + name + "'" +
                                 (closest.empty() ? std::string() : "; did you mean '" + closest + "'?") +
                                 " (known: " + known + ")");
}

std::vector<const ConnectorSpec*> ConnectorRegistry::List() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<const ConnectorSpec*> out;
  for (const auto& s : specs_) out.push_back(s.get());
  std::sort(out.begin(), out.end(), [](const ConnectorSpec* a, const ConnectorSpec* b) {
    if (a->kind != b->kind) return a->kind < b->kind;
    return a->name < b->name;
  });
  return out;
}

Result<Schema> ConnectorRegistry::SourceSchema(const ConnectorSpec& spec,
                                               const std::map<std::string, std::string>& options,
                                               const std::optional<Schema>& user_schema) const {
  SLUICE_RETURN_NOT_OK(ValidateOptions(spec.options, options, spec.What()));
  if (spec.schema_policy == SchemaPolicy::kRequired && !user_schema) {
    return Status::InvalidArgument("Schema must be specified when creating a streaming source DataFrame from " +
                                   spec.name + " files: readStream().schema(\"a INT, b STRING\")");
  }
  if (spec.schema_policy == SchemaPolicy::kFixed && user_schema) {
    return Status::InvalidArgument(spec.What() + " has a fixed schema and cannot be given one");
  }
  return spec.source_schema(SourceOptions(options), user_schema);
}

Result<SinkPtr> ConnectorRegistry::MakeSink(const std::string& name, const std::map<std::string, std::string>& options,
                                            const SinkCreateContext& ctx) const {
  SLUICE_ASSIGN_OR_RETURN(const ConnectorSpec* spec, Get(ConnectorKind::kSink, name));
  SLUICE_RETURN_NOT_OK(ValidateOptions(spec->options, options, spec->What()));
  return spec->make_sink(SourceOptions(options), ctx);
}

Result<TableSourcePtr> ConnectorRegistry::MakeTable(const std::string& name,
                                                    const std::map<std::string, std::string>& options,
                                                    std::vector<std::string> paths,
                                                    std::optional<Schema> schema) const {
  SLUICE_ASSIGN_OR_RETURN(const ConnectorSpec* spec, Get(ConnectorKind::kTable, name));
  SLUICE_RETURN_NOT_OK(ValidateOptions(spec->options, options, spec->What()));
  return spec->make_table(SourceOptions(options), std::move(paths), std::move(schema));
}

namespace {

const char* SchemaPolicyText(const ConnectorSpec& s) {
  if (s.kind == ConnectorKind::kSink) return "";
  switch (s.schema_policy) {
    case SchemaPolicy::kFixed: return "fixed";
    case SchemaPolicy::kRequired: return "required";
    case SchemaPolicy::kOptional: return "inferred if not given";
  }
  return "";
}

std::string DefaultText(const OptionSpec& o) {
  if (o.required) return "(required)";
  return o.default_value.empty() ? "-" : o.default_value;
}

}  // namespace

std::string DescribeConnectors(const ConnectorRegistry& registry) {
  std::string out;
  for (const ConnectorSpec* s : registry.List()) {
    out += std::string(ConnectorKindName(s->kind)) + " " + s->name + ": " + s->description + "\n";
    if (s->kind == ConnectorKind::kSink) {
      out += "  output modes: " + s->OutputModesText() + "\n";
    } else {
      out += std::string("  schema: ") + SchemaPolicyText(*s) + "\n";
    }
    size_t w = 0;
    for (const auto& o : s->options.options) w = std::max(w, o.name.size() + (o.type == OptionType::kPrefix ? 1 : 0));
    for (const auto& o : s->options.options) {
      std::string name = o.type == OptionType::kPrefix ? o.name + "*" : o.name;
      out += "  " + name + std::string(w + 2 - name.size(), ' ') + OptionTypeName(o.type);
      std::string range = o.RangeText();
      if (o.type == OptionType::kInt || o.type == OptionType::kEnum) out += " " + range;
      out += ", default " + DefaultText(o) + ": " + o.description;
      for (const auto& alias : o.aliases) out += " (also: " + alias + ")";
      out += "\n";
    }
    if (!s->options.unsupported.empty()) {
      out += "  not supported (an error if set):";
      for (size_t i = 0; i < s->options.unsupported.size(); ++i) {
        out += (i ? ", " : " ") + s->options.unsupported[i].name;
      }
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

std::string DescribeConnectorsMarkdown(const ConnectorRegistry& registry) {
  std::string out;
  auto cell = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '|') out += '\\';
      out += c;
    }
    return out;
  };
  for (const ConnectorSpec* s : registry.List()) {
    out += "#### " + std::string(ConnectorKindName(s->kind)) + " `" + s->name + "`\n\n" + s->description + "\n\n";
    if (s->kind == ConnectorKind::kSink) {
      out += "Output modes: " + s->OutputModesText() + ".\n\n";
    } else {
      out += std::string("Schema: ") + SchemaPolicyText(*s) + ".\n\n";
    }
    if (!s->options.options.empty()) {
      out += "| option | type | default | values | description |\n|---|---|---|---|---|\n";
      for (const auto& o : s->options.options) {
        std::string name = o.type == OptionType::kPrefix ? o.name + "*" : o.name;
        for (const auto& a : o.aliases) name += " / " + a;
        std::string values = o.type == OptionType::kInt || o.type == OptionType::kEnum ? o.RangeText() : "";
        out += "| `" + name + "` | " + OptionTypeName(o.type) + " | " + cell(DefaultText(o)) + " | " + cell(values) +
               " | " + cell(o.description) + " |\n";
      }
      out += "\n";
    }
    if (!s->options.unsupported.empty()) {
      out += "Not supported (an error if set): ";
      for (size_t i = 0; i < s->options.unsupported.size(); ++i) {
        out += (i ? ", " : "") + std::string("`") + s->options.unsupported[i].name + "`";
      }
      out += ".\n\n";
    }
  }
  return out;
}

}  // namespace sluice
