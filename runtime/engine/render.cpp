#include "runtime/engine/render.h"

#include <charconv>
#include <cmath>

#include "common/json/json.h"

namespace play::engine {

const char* outcome_name(OutcomeKind k) {
  switch (k) {
    case OutcomeKind::Fired:
      return "fired";
    case OutcomeKind::NoMatch:
      return "no_match";
    case OutcomeKind::NotIcp:
      return "not_icp";
    case OutcomeKind::Excluded:
      return "excluded";
    case OutcomeKind::Suppressed:
      return "suppressed";
    case OutcomeKind::Deduplicated:
      return "deduplicated";
    case OutcomeKind::Error:
      return "error";
    case OutcomeKind::DuplicateSignal:
      return "duplicate_signal";
    case OutcomeKind::kCount:
      break;
  }
  return "?";
}

void append_value_json(std::string& out, const vm::Value& v, NonFinite non_finite) {
  switch (v.kind) {
    case vm::Kind::Null:
      out += "null";
      return;
    case vm::Kind::Bool:
      out += v.b ? "true" : "false";
      return;
    case vm::Kind::Int:
      vm::render_append(out, v);
      return;
    case vm::Kind::Float:
      if (non_finite == NonFinite::ProtoJson && !std::isfinite(v.f))
        out += std::isnan(v.f) ? "\"NaN\"" : v.f > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      else
        json::append_double(out, v.f);
      return;
    case vm::Kind::String:
      json::append_string(out, v.str());
      return;
    case vm::Kind::Duration:
    case vm::Kind::Timestamp:
      // The template text has no characters that need escaping.
      out += '"';
      vm::render_append(out, v);
      out += '"';
      return;
    case vm::Kind::List:
      out += '[';
      for (uint32_t i = 0; i < v.n; ++i) {
        if (i) out += ',';
        append_value_json(out, v.items[i], non_finite);
      }
      out += ']';
      return;
    case vm::Kind::Map:
      out += '{';
      for (uint32_t i = 0; i < v.n; ++i) {
        if (i) out += ',';
        json::append_string(out, v.entries[i].key);
        out += ':';
        append_value_json(out, v.entries[i].value, non_finite);
      }
      out += '}';
      return;
  }
}

void append_pos(std::string& out, const vm::Bundle& bundle, const vm::SourcePos& pos) {
  if (pos.line == 0) return;
  if (pos.file != 0 && pos.file < bundle.files.size()) {
    out += bundle.files[pos.file];
    out += ':';
  }
  out += std::to_string(pos.line);  // short strings: no allocation
  out += ':';
  out += std::to_string(pos.col);
}

std::string format_pos(const vm::Bundle& bundle, const vm::SourcePos& pos) {
  std::string s;
  append_pos(s, bundle, pos);
  return s;
}

static void key_string(std::string& out, const char* key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  if (value.empty())
    out += "null";
  else
    json::append_string(out, value);
}

static void append_head(std::string& out, const Action& a) {
  out += "{\"kind\":\"action\"";
  key_string(out, "play", a.play);
  key_string(out, "action", a.action);
}

static void append_who(std::string& out, const Action& a) {
  key_string(out, "signal", a.signal);
  key_string(out, "account", a.account);
  key_string(out, "contact", a.contact);
}

static void append_arg_key(std::string& out, const Action& a, size_t i) {
  json::append_string(out, a.def->args[i].name);
  out += ':';
}

// After the arguments: the priority, the key and the shadow mark.
static void append_tail(std::string& out, const Action& a) {
  out += "},\"priority\":\"";
  out += vm::priority_name(a.priority);
  out += "\",\"key\":\"";
  out += a.key();
  out += '"';
  if (a.shadow) out += ",\"shadow\":true";
  out += '}';
}

void render_action(const Action& a, std::string& out) {
  append_head(out, a);
  append_who(out, a);
  out += ",\"args\":{";
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (i) out += ',';
    append_arg_key(out, a, i);
    append_value_json(out, a.args[i]);
  }
  append_tail(out, a);
}

const ActionRenderer::Head& ActionRenderer::head(const Action& a) {
  Head& h = heads_[a.def];
  if (h.text.empty()) {
    append_head(h.text, a);
    h.keys.resize(a.args.size());
    for (size_t i = 0; i < a.args.size(); ++i) append_arg_key(h.keys[i], a, i);
  }
  return h;
}

void ActionRenderer::render(const Action& a, std::string& out) {
  if (!a.def) return render_action(a, out);
  const Head& h = head(a);
  if (who_.empty() || a.signal != signal_ || a.account != account_ || a.contact != contact_) {
    signal_.assign(a.signal);
    account_.assign(a.account);
    contact_.assign(a.contact);
    who_.clear();
    append_who(who_, a);
  }
  out += h.text;
  out += who_;
  out += ",\"args\":{";
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (i) out += ',';
    out += h.keys[i];
    append_value_json(out, a.args[i]);
  }
  append_tail(out, a);
}

void render_outcome(const Outcome& o, const vm::Bundle& bundle, std::string& out) {
  out += "{\"kind\":\"outcome\"";
  if (!o.play.empty()) key_string(out, "play", o.play);
  key_string(out, "signal", o.signal);
  out += ",\"outcome\":\"";
  out += outcome_name(o.kind);
  out += '"';
  if (!o.reason.empty()) key_string(out, "reason", o.reason);
  if (o.kind == OutcomeKind::NoMatch || o.kind == OutcomeKind::Error) {
    const vm::SourcePos& at = o.error_pos.line ? o.error_pos : o.clause_pos;
    if (at.line != 0) {
      thread_local std::string pos;  // reused: tracing stays allocation-free
      pos.clear();
      append_pos(pos, bundle, at);
      out += ",\"at\":";
      json::append_string(out, pos);
    }
  }
  if (o.kind == OutcomeKind::Error) key_string(out, "error", o.error);
  if (o.shadow) out += ",\"shadow\":true";
  out += '}';
}

void NdjsonSink::action(const Action& a) {
  actions_.render(a, out_);
  out_ += '\n';
}

void NdjsonSink::outcome(const Outcome& o) {
  if (!trace_) return;
  render_outcome(o, bundle_, out_);
  out_ += '\n';
}

}  // namespace play::engine
