#include "runtime/ingest/source_policy.h"

#include <simdjson.h>

#include <algorithm>

#include "common/context_signals.h"
#include "common/json/json.h"

namespace play::ingest {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard matching with one backtrack point: linear enough for
  // the short patterns and type names it sees.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string refuse_signal(const SourceConfig* source, std::string_view type) {
  if (!source) return "";
  if (changes_context(type) && !source->context)
    return "source '" + source->name + "' may not send " + std::string(type) +
           " (it changes context: the source needs context = true)";
  if (!source->signals) return "";
  for (const auto& pattern : *source->signals)
    if (glob_match(pattern, type)) return "";
  std::string list;
  for (const auto& pattern : *source->signals) {
    if (!list.empty()) list += ", ";
    list += '"' + pattern + '"';
  }
  return "source '" + source->name + "' may not send " + std::string(type) + " (signals = [" + list + "])";
}

std::string refuse_context(const SourceConfig* source) {
  if (!source || source->context) return "";
  return "source '" + source->name + "' may not change context (the source needs context = true)";
}

std::string allowed_traits(const SourceConfig* source, store::Entity entity, std::string_view fields_json,
                           size_t& dropped) {
  if (!source) return std::string(fields_json);
  const auto& list = entity == store::Entity::Account ? source->account_traits : source->contact_traits;
  if (!list && source->context) return std::string(fields_json);
  thread_local simdjson::dom::parser parser;
  std::string out;
  json::Writer w(out);
  w.begin_object();
  auto doc = parser.parse(fields_json.data(), fields_json.size(), true);
  if (!doc.error() && doc.value_unsafe().is_object()) {
    simdjson::dom::object fields = doc.value_unsafe().get_object().value_unsafe();  // named: see segment.cpp
    for (auto field : fields) {
      if (list && std::find(list->begin(), list->end(), field.key) != list->end())
        w.key(field.key).raw(simdjson::minify(field.value));
      else
        ++dropped;
    }
  }
  w.end_object();
  return out;
}

}  // namespace play::ingest
