#include "runtime/observe/registry.h"

#include <algorithm>

#include "common/time/time.h"

namespace play::observe {

namespace {

const char* per_name(vm::Per p) {
  switch (p) {
    case vm::Per::Contact:
      return "contact";
    case vm::Per::Account:
      return "account";
    default:
      return "contact, else account";
  }
}

// The sink of a webhook action when its `sink` argument is a constant
// (LOAD_CONST then RETURN of that register); "" when it is computed.
std::string constant_sink(const vm::Action& a) {
  for (const auto& arg : a.args) {
    if (arg.name != "sink") continue;
    const auto& code = arg.program.code;
    if (code.size() == 2 && code[0].op == vm::Op::LOAD_CONST && code[1].op == vm::Op::RETURN &&
        code[1].a == code[0].a && code[0].b < arg.program.constants.size()) {
      const vm::Value& v = arg.program.constants[code[0].b];
      if (v.kind == vm::Kind::String) return std::string(v.str());
    }
  }
  return "";
}

void strings(json::Writer& w, const char* key, const std::vector<std::string>& list) {
  w.key(key).begin_array();
  for (const auto& s : list) w.value(s);
  w.end_array();
}

}  // namespace

std::vector<RegistryEntry> registry(const vm::Bundle& bundle) {
  std::vector<RegistryEntry> out;
  for (const auto& p : bundle.plays) {
    RegistryEntry e;
    e.name = e.id = p.name;
    e.title = p.title;
    if (p.pos.file < bundle.files.size()) e.file = bundle.files[p.pos.file];
    e.line = p.pos.line;
    for (uint32_t t : p.signal_types)
      if (t < bundle.signals.size()) e.signals.push_back(bundle.signals[t].name);
    if (const vm::Pattern& pat = p.pattern; pat.kind != vm::PatternKind::None) {
      std::string members;
      for (size_t i = 0; i < pat.members.size(); ++i) {
        uint32_t t = pat.members[i].signal_type;
        members += (i ? ", " : "") + (t < bundle.signals.size() ? bundle.signals[t].name : std::string("?"));
        if (!pat.members[i].filter.code.empty()) members += " where ...";
      }
      bool absence = pat.kind == vm::PatternKind::Absence;  // absence form: "absence of T for 7d"
      if (pat.kind == vm::PatternKind::Score)
        e.trigger = "score " + pat.score_name + " crosses " + vm::render(vm::Value::floating(pat.crosses)) +
                    " (" + members + ") half_life " + vm::format_duration(pat.half_life_ms);
      else if (pat.kind == vm::PatternKind::Rate)
        e.trigger = vm::rate_text(pat, members);
      else if (absence)
        e.trigger =
            (pat.members[0].filter.code.empty() ? "absence of " + members : "absence of (" + members + ")") +
            " for " + vm::format_duration(pat.within_ms);
      else
        e.trigger =
            (pat.kind == vm::PatternKind::Count ? "count(" + members + ") >= " + std::to_string(pat.threshold)
                                                : "all of (" + members + ")") +
            " within " + vm::format_duration(pat.within_ms);
      e.trigger += std::string(pat.per == vm::Per::Contact ? " per contact" : " per account") +
                   ", lateness " + vm::format_duration(pat.lateness_ms);
    }
    for (const auto& c : p.clauses) {
      switch (c.kind) {
        case vm::ClauseKind::WhereIcp:
          if (c.icp < bundle.icps.size() &&
              std::find(e.icps.begin(), e.icps.end(), bundle.icps[c.icp].name) == e.icps.end())
            e.icps.push_back(bundle.icps[c.icp].name);
          break;
        case vm::ClauseKind::Unless:
          e.exclusions.push_back(c.reason);
          break;
        case vm::ClauseKind::UnlessSuppressed:
          e.suppression = true;
          break;
        case vm::ClauseKind::UnlessFired:
          e.dedup.push_back({c.within_ms, per_name(c.per)});
          break;
        default:
          break;
      }
    }
    if (e.suppression)
      for (const auto& rule : bundle.suppressions) e.suppression_rules.push_back(rule.reason);
    for (const auto& a : p.actions) e.actions.push_back({a.name, a.sink.empty() ? constant_sink(a) : a.sink});
    e.owner = p.owner;
    e.oncall = p.oncall;
    e.sla_ms = p.sla_ms;
    e.priority = vm::priority_name(p.priority);
    e.mode = p.mode == vm::Mode::Shadow ? "shadow" : "live";
    e.tags = p.tags;
    e.runbook = p.runbook;
    e.dashboard = "/plays/" + p.name;
    out.push_back(std::move(e));
  }
  return out;
}

void write_registry_entry(json::Writer& w, const RegistryEntry& e) {
  w.key("name").value(e.name);
  w.key("id").value(e.id);
  w.key("title").value(e.title);
  w.key("file").value(e.file);
  w.key("line").value(int64_t(e.line));
  strings(w, "signals", e.signals);
  if (!e.trigger.empty()) w.key("trigger").value(e.trigger);
  strings(w, "icps", e.icps);
  w.key("suppression").value(e.suppression);
  strings(w, "suppression_rules", e.suppression_rules);
  strings(w, "exclusions", e.exclusions);
  w.key("dedup").begin_array();
  for (const auto& d : e.dedup)
    w.begin_object().key("within").value(format_duration(d.within_ms)).key("per").value(d.per).end_object();
  w.end_array();
  w.key("actions").begin_array();
  for (const auto& a : e.actions)
    w.begin_object().key("action").value(a.action).key("sink").value(a.sink).end_object();
  w.end_array();
  w.key("owner").value(e.owner);
  w.key("oncall").value(e.oncall);
  w.key("sla_ms");
  if (e.sla_ms > 0)
    w.value(e.sla_ms);
  else
    w.null();
  w.key("priority").value(e.priority);
  w.key("mode").value(e.mode);
  strings(w, "tags", e.tags);
  w.key("runbook").value(e.runbook);
  w.key("dashboard").value(e.dashboard);
}

std::string registry_json(const std::vector<RegistryEntry>& entries) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("version").value(int64_t(kRegistryVersion)).key("plays").begin_array();
  for (const auto& e : entries) {
    w.begin_object();
    write_registry_entry(w, e);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

}  // namespace play::observe
