#include "tests/ide/harness.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace play::ide::testing {

const char* kProject = R"(// Pricing pages that matter.
list pricing_pages = ["pricing", "plans"]
const min_employees = 50 // the smallest account we sell to
icp enterprise = account.employees >= min_employees
pool ent_reps = ["a@acme.com", "b@acme.com"]

suppress {
  contact.do_not_contact as "do not contact"
}

play pricing_visit {
  title "Pricing visit"
  owner "gtm@acme.com"
  oncall "#gtm"
  runbook "https://wiki/pricing"
  priority high
  on website.page_viewed
  where signal.category in pricing_pages
  where icp enterprise
  unless suppressed
  unless fired within 7d
  let rep = round_robin(ent_reps)
  let stack = account.tech_stack.filter(t, t.startsWith("aws"))
  do enroll(sequence: "ent", rep: rep)
  do notify(channel: "#gtm", text: "{signal.url} {size(stack)}")
}

play chat_or_form {
  title "Chat or form"
  owner "gtm@acme.com"
  oncall "#gtm"
  runbook "https://wiki/chat"
  on any of (website.form_submitted, website.chat_started)
  where signal.url != null
  do notify(channel: "#gtm", text: "{signal.url}")
}
)";

const char* kTest = R"(test "pricing visit enrolls" {
  given account { domain: "acme.com", employees: 500, country: "US" }
  signal website.page_viewed { category: "pricing", url: "https://acme.com/pricing" }
  expect pricing_visit do enroll(sequence: "ent")
}
)";

uint32_t Loaded::file(const std::string& path) const {
  for (uint32_t id = 1; id < project.sources.size(); ++id)
    if (project.sources.file(id).path() == path) return id;
  throw std::runtime_error("no file " + path);
}

Position Loaded::at(const std::string& path, const std::string& needle, int nth, int delta) const {
  uint32_t id = file(path);
  const std::string& text = project.sources.file(id).text();
  size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string::npos; ++i) at = text.find(needle, at + 1);
  if (at == std::string::npos) throw std::runtime_error("no '" + needle + "' in " + path);
  return {id, static_cast<uint32_t>(static_cast<int>(at) + delta)};
}

std::string Loaded::show(Span s) const {
  if (s.file == 0 || s.file >= project.sources.size()) return "<no file>";
  const auto& f = project.sources.file(s.file);
  if (s.end > f.text().size() || s.end < s.begin) return "<bad span>";
  return fmt::format("{}:{}: {}", f.path(), f.line_col(s.begin).line,
                     f.text().substr(s.begin, s.end - s.begin));
}

std::vector<std::string> Loaded::show(const std::vector<Span>& spans) const {
  std::vector<std::string> out;
  for (Span s : spans) out.push_back(show(s));
  return out;
}

std::string Loaded::apply(const std::vector<TextEdit>& edits) const {
  if (edits.empty()) return "";
  std::string text = project.sources.file(edits.front().span.file).text();
  std::vector<TextEdit> sorted = edits;
  std::ranges::sort(sorted, [](const TextEdit& a, const TextEdit& b) { return a.span.begin > b.span.begin; });
  for (const auto& e : sorted) text.replace(e.span.begin, e.span.end - e.span.begin, e.new_text);
  return text;
}

std::string Loaded::dump() const {
  std::string out;
  for (const auto& d : diags.all()) {
    auto lc = d.span.file ? project.sources.file(d.span.file).line_col(d.span.begin) : LineCol{};
    out += fmt::format("{} {}:{} {}\n", d.code, lc.line, lc.col, d.message);
  }
  return out;
}

std::unique_ptr<Loaded> load(const std::vector<sema::SourceText>& files) {
  auto l = std::make_unique<Loaded>();
  sema::load_sources(files, l->project, l->diags);
  return l;
}

std::unique_ptr<Loaded> load(const std::string& text) { return load({{"a.play", text}}); }

}  // namespace play::ide::testing
