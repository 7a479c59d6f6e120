// Completion: what may be typed at the cursor, read from the text before it
// (complete_context.h) and filled with the names the last checked project
// knows, plus the declarations of the document itself (it may be newer).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/builtins/builtins.h"
#include "compiler/ide/complete_context.h"
#include "compiler/ide/describe.h"
#include "compiler/ide/ide.h"
#include "compiler/ide/index.h"

namespace play::ide {

namespace {

const char* const kDurations[] = {"5m", "15m", "30m", "1h", "4h", "1d", "7d", "30d"};
const char* const kTypes[] = {
    "string", "int", "float", "bool", "duration", "timestamp", "list<string>", "map<string, dyn>", "dyn"};

struct Completer {
  const sema::Project& project;
  const Index& index;
  std::string_view text;
  std::vector<Token> tokens;
  Completer(const sema::Project& p, const Index& i, std::string_view t, std::vector<Token> toks)
      : project(p), index(i), text(t), tokens(std::move(toks)) {}
  size_t before = 0;  // tokens [0, before) are before the word being typed
  std::vector<Frame> open;
  std::vector<Completion> out;
  std::set<std::string> seen;

  void add(Completion c) {
    if (c.label.empty() || !seen.insert(c.label + "\x1f" + std::to_string(int(c.kind))).second) return;
    out.push_back(std::move(c));
  }
  void add(std::string label, CompletionKind kind, std::string detail = "", std::string doc = "",
           std::string insert = "", bool snippet = false) {
    add(Completion{std::move(label), kind, std::move(detail), std::move(doc), std::move(insert), snippet});
  }

  const Token* back(size_t k) const { return before >= k ? &tokens[before - k] : nullptr; }
  bool back_is(size_t k, std::string_view s) const {
    const Token* t = back(k);
    return t && t->text == s;
  }
  const Frame* inner() const { return open.empty() ? nullptr : &open.back(); }
  const Frame* enclosing(Frame::Kind k) const {
    for (auto it = open.rbegin(); it != open.rend(); ++it)
      if (it->kind == k) return &*it;
    return nullptr;
  }
  // Is the word typed the first on its line?
  bool line_start(uint32_t word_begin) const {
    const Token* t = back(1);
    if (!t) return true;
    return text.substr(t->end, word_begin - t->end).find('\n') != std::string_view::npos;
  }

  // Does the line before end mid-expression (`where a and`, `x ==`), so the
  // word typed continues it rather than starting a play item?
  bool continues() const {
    const Token* t = back(1);
    if (!t) return false;
    if (t->kind == Token::Word)
      return t->text == "and" || t->text == "or" || t->text == "not" || t->text == "in";
    if (t->kind == Token::String) return false;
    return t->text != "}" && t->text != ")" && t->text != "]" && t->text != "{" && t->text != "%";  // `30%`
  }

  // ---- the names

  // Signal types: the project's and the document's own declarations.
  std::vector<std::string> signal_types() {
    std::set<std::string> names;
    for (const auto& [n, decls] : index.signals) names.insert(n);
    for (size_t i = 0; i + 2 < tokens.size(); ++i)
      if (tokens[i].text == "signal" && tokens[i + 1].kind == Token::Word && top_level_at(i)) {
        std::string n(tokens[i + 1].text);
        for (size_t k = i + 2;
             k + 1 < tokens.size() && tokens[k].text == "." && tokens[k + 1].kind == Token::Word; k += 2)
          n += "." + std::string(tokens[k + 1].text);
        if (n.find('.') != std::string::npos) names.insert(n);
      }
    return {names.begin(), names.end()};
  }
  // Is token i outside every bracket (a top-level declaration's keyword)?
  // Depths are counted once per completion.
  std::vector<int> depth;
  bool top_level_at(size_t i) {
    if (depth.empty()) {
      int d = 0;
      for (const auto& t : tokens) {
        if (t.kind == Token::Punct && (t.text == "}" || t.text == ")" || t.text == "]"))
          d = d > 0 ? d - 1 : 0;
        depth.push_back(d);
        if (t.kind == Token::Punct && (t.text == "{" || t.text == "(" || t.text == "[")) ++d;
      }
    }
    return i < depth.size() && depth[i] == 0;
  }

  void signal_type_items(const std::string& typed_prefix) {
    // The editor replaces the word at the cursor, which stops at a dot:
    // after `website.` insert only the rest.
    size_t dot = typed_prefix.rfind('.');
    std::string head = dot == std::string::npos ? "" : typed_prefix.substr(0, dot + 1);
    for (const auto& n : signal_types()) {
      if (n.rfind(head, 0) != 0) continue;
      std::string doc;
      if (auto it = index.signals.find(n); it != index.signals.end() && !it->second.empty())
        doc = doc_comment(project, it->second.front()->span);
      add(n, CompletionKind::SignalType, "signal", doc, head.empty() ? "" : n.substr(head.size()));
    }
  }

  // A dotted name starting at token k (advanced past it), or "".
  std::string dotted(size_t& k) const {
    if (k >= tokens.size() || tokens[k].kind != Token::Word) return "";
    std::string n(tokens[k].text);
    while (k + 2 < tokens.size() && tokens[k + 1].text == "." && tokens[k + 2].kind == Token::Word) {
      n += "." + std::string(tokens[k + 2].text);
      k += 2;
    }
    ++k;
    return n;
  }

  // The `on` types of the play around the cursor, read from its text:
  // `on T`, `on any of (T, ...)`, and the members of a temporal trigger
  // (`count(T where ...)`, `all of (T where ..., U)`, `absence of T`). Inside
  // a member's `where`, `signal` is that member's type alone.
  std::vector<std::string> play_types(const Frame& play) const {
    std::vector<std::string> out;
    for (size_t i = play.open + 1; i < play.close && i + 1 < tokens.size(); ++i) {
      if (tokens[i].text != "on") continue;
      size_t k = i + 1;
      auto word = [&](size_t j, const char* w) { return j < tokens.size() && tokens[j].text == w; };
      bool list = false;
      if (word(k, "any") && word(k + 1, "of") && word(k + 2, "("))
        k += 3, list = true;
      else if (word(k, "all") && word(k + 1, "of") && word(k + 2, "("))
        k += 3, list = true;
      else if (word(k, "count") && word(k + 1, "("))
        k += 2;
      else if (word(k, "absence") && word(k + 1, "of"))
        k += 2;
      if (!list) {
        std::string n = dotted(k);
        if (!n.empty()) out.push_back(n);
        break;
      }
      // Members up to the list's `)`: a type, then anything (its filter) up to a `,` at depth 0.
      while (k < tokens.size()) {
        size_t member_start = k;
        std::string n = dotted(k);
        if (n.empty()) break;
        int depth = 0;
        while (k < tokens.size() && !(depth == 0 && (tokens[k].text == "," || tokens[k].text == ")"))) {
          if (tokens[k].text == "(" || tokens[k].text == "[") ++depth;
          if (tokens[k].text == ")" || tokens[k].text == "]") --depth;
          ++k;
        }
        if (before > member_start && before <= k) return {n};  // the cursor is in this member
        out.push_back(n);
        if (k >= tokens.size() || tokens[k].text != ",") break;
        ++k;
      }
      break;
    }
    return out;
  }

  void property_items(const std::vector<std::string>& types, bool envelope, bool as_key,
                      const std::set<std::string>& skip = {}) {
    // Only what every type of `on any of` declares.
    std::vector<const ast::FieldDecl*> common;
    for (size_t i = 0; i < types.size(); ++i) {
      auto props = index.properties(types[i]);
      if (i == 0) {
        common = props;
        continue;
      }
      std::erase_if(common, [&](const ast::FieldDecl* f) {
        return std::ranges::none_of(props, [&](const ast::FieldDecl* g) { return g->name == f->name; });
      });
    }
    for (const auto* f : common)
      if (!skip.count(f->name))
        add(f->name, CompletionKind::Property, std::string(text_of(project, f->type.span)),
            doc_comment(project, f->span), as_key ? f->name + ": " : "");
    if (!envelope) return;
    for (const auto& f : sema::envelope_fields())
      add(f.name, CompletionKind::Property, f.type->str(), envelope_doc(f.name));
  }

  void field_items(const std::string& entity, bool as_key, const std::set<std::string>& skip = {}) {
    for (const auto* f : index.fields(entity)) {
      if (skip.count(f->name)) continue;
      std::string t(text_of(project, f->type.span));
      if (!t.empty() && t.back() != '?') t += "?";
      add(f->name, CompletionKind::Field, t, doc_comment(project, f->span), as_key ? f->name + ": " : "");
    }
  }

  void method_items() {
    for (const auto& b : builtins::all()) {
      if (b.form == builtins::Form::Function) continue;
      std::string name(b.name);
      std::string snippet = b.form == builtins::Form::Macro ? name + "(${1:x}, $0)"
                            : b.arity == 0                  ? name + "()"
                                                            : name + "($0)";
      add(name, CompletionKind::Function, builtin_signature(b), builtin_doc(b), snippet, true);
    }
  }

  void action_items(bool with_args) {
    for (const auto& [name, decl] : index.actions) {
      std::string snippet = name;
      if (with_args) {
        snippet += "(";
        int n = 0;
        for (const auto& prm : decl->params)
          if (!prm.default_value)
            snippet += fmt::format("{}{}: ${{{}}}", n ? ", " : "", prm.name, n + 1), ++n;
        snippet += ")";
      }
      add(name, CompletionKind::Action, std::string(text_of(project, decl->span)),
          doc_comment(project, decl->span), snippet, with_args);
    }
  }

  // The `name:` keys already written in a record or an argument list
  // (directly in it, not in a nested one).
  std::set<std::string> keys_given(const Frame& f) const {
    std::set<std::string> given;
    int depth = 0;
    for (size_t i = f.open + 1; i + 1 < tokens.size() && i < f.close; ++i) {
      std::string_view x = tokens[i].text;
      if (tokens[i].kind == Token::Punct && (x == "(" || x == "[" || x == "{")) ++depth;
      if (tokens[i].kind == Token::Punct && (x == ")" || x == "]" || x == "}")) --depth;
      if (depth == 0 && tokens[i].kind == Token::Word && tokens[i + 1].text == ":" && i + 1 != before)
        given.insert(std::string(x));
    }
    return given;
  }

  void argument_items(const Frame& call) {
    auto it = index.actions.find(call.name);
    if (it == index.actions.end()) return;
    std::set<std::string> given = keys_given(call);
    for (const auto& prm : it->second->params) {
      if (given.count(prm.name)) continue;
      add(prm.name, CompletionKind::Argument,
          std::string(text_of(project, prm.type.span)) + (prm.default_value ? " (optional)" : ""), "",
          prm.name + ": ");
    }
  }

  // Names an expression may use here.
  void expression_items(const Frame* play) {
    if (play) {
      add("signal", CompletionKind::Variable, "the signal that triggered the play");
      add("account", CompletionKind::Variable, "the account record");
      add("contact", CompletionKind::Variable, "the contact record");
      add("now", CompletionKind::Variable, "timestamp");
      for (size_t i = play->open + 1; i + 2 < tokens.size() && i < before; ++i)
        if (tokens[i].text == "let" && tokens[i + 1].kind == Token::Word && i + 1 < before)
          add(std::string(tokens[i + 1].text), CompletionKind::Variable, "let");
    }
    // The variables of the list macros around the cursor: `l.exists(v, |`.
    for (const auto& f : open) {
      const builtins::Builtin* b = builtins::method(f.name);
      bool macro = f.kind == Frame::Parens && b && b->form == builtins::Form::Macro && f.open + 2 < before &&
                   tokens[f.open + 1].kind == Token::Word && tokens[f.open + 2].text == ",";
      if (macro)
        add(std::string(tokens[f.open + 1].text), CompletionKind::Variable, "each element of the list");
    }
    for (const auto& [name, decl] : index.values)
      if (decl->kind != ast::ValueKind::Pool)
        add(name, CompletionKind::Constant, std::string(text_of(project, decl->span)),
            doc_comment(project, decl->span));
    // The document's own, maybe newer than the project.
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      std::string_view k = tokens[i].text;
      if ((k == "const" || k == "list" || k == "icp") && tokens[i + 1].kind == Token::Word &&
          i + 2 < tokens.size() && tokens[i + 2].text == "=")
        add(std::string(tokens[i + 1].text), CompletionKind::Constant, std::string(k));
    }
    for (const auto& b : builtins::all())
      if (b.form == builtins::Form::Function)
        add(std::string(b.name), CompletionKind::Function, builtin_signature(b), builtin_doc(b),
            std::string(b.name) + "($0)", true);
    for (const char* k : {"and", "or", "not", "in", "true", "false", "null"}) add(k, CompletionKind::Keyword);
  }

  void words(std::initializer_list<const char*> ws, CompletionKind kind = CompletionKind::Keyword) {
    for (const char* w : ws) add(w, kind);
  }

  void play_item_start(const Frame& play) {
    std::set<std::string> given;
    for (size_t i = play.open + 1; i < play.close && i < tokens.size(); ++i)
      if (tokens[i].kind == Token::Word &&
          (i == play.open + 1 ||
           text.substr(tokens[i - 1].end, tokens[i].begin - tokens[i - 1].end).find('\n') !=
               std::string_view::npos))
        given.insert(std::string(tokens[i].text));
    for (const auto& k : meta_keys())
      if (!given.count(k.word)) add(k.word, CompletionKind::Keyword, "metadata", k.doc);
    add("on", CompletionKind::Keyword, "the signal that triggers the play");
    add("where", CompletionKind::Keyword, "a condition the signal must meet");
    add("where icp", CompletionKind::Keyword, "the account must fit an icp", "", "where icp ");
    add("unless", CompletionKind::Snippet, "unless CONDITION as \"reason\"", "",
        "unless ${1:condition} as \"${2:reason}\"", true);
    add("unless suppressed", CompletionKind::Keyword, "the project's suppression rules");
    add("unless fired within", CompletionKind::Snippet, "deduplication", "", "unless fired within ${1:7d}",
        true);
    add("let", CompletionKind::Snippet, "let NAME = expression", "", "let ${1:name} = $0", true);
    add("do", CompletionKind::Keyword, "an action");
    add("alert", CompletionKind::Keyword, "an alert threshold");
  }

  void top_level() {
    add("play", CompletionKind::Snippet, "a play", "",
        "play ${1:name} {\n  title \"${2:title}\"\n  owner \"${3:team@example.com}\"\n  oncall "
        "\"${4:#channel}\"\n  runbook \"${5:https://}\"\n  on ${6:website.page_viewed}\n  $0\n}",
        true);
    add("test", CompletionKind::Snippet, "a test", "",
        "test \"${1:what it shows}\" {\n  signal ${2:website.page_viewed} { $3 }\n  expect ${4:play} $0\n}",
        true);
    words({"signal", "entity", "const", "list", "pool", "icp", "action", "suppress"});
  }

  void run(uint32_t offset) {
    // The word being typed (letters, digits, _), and any dotted name it ends.
    uint32_t wb = offset;
    while (wb > 0 && (std::isalnum(static_cast<unsigned char>(text[wb - 1])) || text[wb - 1] == '_')) --wb;
    while (before < tokens.size() && tokens[before].end <= wb) ++before;
    open = frames(tokens, before);
    const Frame* play = enclosing(Frame::Play);
    const Frame* in = inner();

    // After a dot: a member, or the rest of a dotted signal type.
    if (wb > 0 && text[wb - 1] == '.' && back(1) && back(1)->text == "." && back(2) &&
        back(2)->kind == Token::Word) {
      size_t last = before - 2, first = last;
      while (first >= 2 && tokens[first - 1].text == "." && tokens[first - 2].kind == Token::Word) first -= 2;
      std::string chain;
      for (size_t i = first; i <= last; ++i) chain += tokens[i].text;
      const Token* head = first > 0 ? &tokens[first - 1] : nullptr;
      bool type_position = (head && (head->text == "on" || head->text == "signal" ||
                                     (head->text == "," && in && in->kind == Frame::AnyOf))) ||
                           (head && head->text == "(" && in && in->kind == Frame::AnyOf);
      if (type_position && !(chain == "signal" && head->text != "signal"))
        return signal_type_items(chain + ".");
      if (chain == "signal" && play) return property_items(play_types(*play), true, false);
      if ((chain == "account" || chain == "contact") && (play || enclosing(Frame::Suppress)))
        return field_items(chain, false);
      return method_items();
    }
    if (back_is(1, "on") && play) {
      signal_type_items("");
      add("any of", CompletionKind::Snippet, "any of several signal types", "",
          "any of (${1:type}, ${2:type})", true);
      return;
    }
    if (in && in->kind == Frame::AnyOf && (back_is(1, "(") || back_is(1, ","))) return signal_type_items("");
    if (back_is(1, "within") || back_is(1, "sla") || (back_is(1, "after") && back_is(3, "alert"))) {
      for (const char* d : kDurations) add(d, CompletionKind::Value, "duration");
      return;
    }
    if (back_is(1, "priority") && play) return words({"high", "normal", "low"}, CompletionKind::Value);
    if (back_is(1, "mode") && play) return words({"live", "shadow"}, CompletionKind::Value);
    if (back_is(1, "icp") && back_is(2, "where")) {
      for (const auto& [name, decl] : index.values)
        if (decl->kind == ast::ValueKind::Icp)
          add(name, CompletionKind::Constant, std::string(text_of(project, decl->span)),
              doc_comment(project, decl->span));
      return;
    }
    if (back_is(1, "round_robin") || (back_is(1, "(") && back_is(2, "round_robin"))) {
      for (const auto& [name, decl] : index.values)
        if (decl->kind == ast::ValueKind::Pool)
          add(name, CompletionKind::Constant, std::string(text_of(project, decl->span)));
      return;
    }
    if (back_is(1, "fired") && back_is(2, "unless")) return words({"within"});
    if (back_is(1, "per")) return words({"contact", "account"});
    if (back_is(1, "do")) return action_items(play != nullptr && !enclosing(Frame::Test));
    if (back_is(1, "expect")) {
      for (const auto& [name, decl] : index.plays) add(name, CompletionKind::Variable, "play");
      for (size_t i = 0; i + 1 < tokens.size(); ++i)
        if (tokens[i].text == "play" && tokens[i + 1].kind == Token::Word && top_level_at(i))
          add(std::string(tokens[i + 1].text), CompletionKind::Variable, "play");
      add("nothing else", CompletionKind::Keyword);
      return;
    }
    if (back(2) && back_is(2, "expect") && back(1)->kind == Token::Word) return words({"do", "outcome"});
    if (back_is(1, "outcome")) {
      for (const auto& o : outcomes()) add(o.word, CompletionKind::Value, "outcome", o.doc);
      return;
    }
    if (back_is(1, "given")) return words({"account", "contact"});
    if (in && (in->kind == Frame::SignalDecl || in->kind == Frame::EntityDecl)) {
      if (back_is(1, ":"))
        for (const char* t : kTypes) add(t, CompletionKind::Keyword, "type");
      return;
    }
    bool key_position = back_is(1, "{") || back_is(1, ",");
    if (in && in->kind == Frame::ActionArgs && (back_is(1, "(") || back_is(1, ",")))
      return argument_items(*in);
    if (in && in->kind == Frame::Given && key_position) return field_items(in->name, true, keys_given(*in));
    if (in && in->kind == Frame::TestSignal && key_position) {
      std::set<std::string> given = keys_given(*in);
      property_items({in->name}, false, true, given);
      for (const char* k : {"id", "account", "contact", "source"})
        if (!given.count(k))
          add(k, CompletionKind::Property, "string", envelope_doc(k), std::string(k) + ": ");
      return;
    }
    if (in && in->kind == Frame::Play && line_start(wb) && !continues()) return play_item_start(*in);
    if (in && in->kind == Frame::Test && line_start(wb)) {
      add("given", CompletionKind::Snippet, "given account|contact { ... }", "",
          "given ${1|account,contact|} { $0 }", true);
      add("signal", CompletionKind::Snippet, "signal TYPE { ... }", "", "signal ${1:type} { $0 }", true);
      add("expect", CompletionKind::Keyword);
      return;
    }
    if (open.empty()) {
      if (line_start(wb)) top_level();
      return;
    }
    expression_items(play);
    if (back_is(1, "unless") && play) words({"suppressed", "fired"});
  }
};

}  // namespace

std::vector<Completion> complete(const sema::Project& project, std::string_view path, std::string_view text,
                                 uint32_t offset) {
  (void)path;
  if (offset > text.size()) offset = static_cast<uint32_t>(text.size());
  bool inside = false;
  size_t string_start = 0;
  Index index(project);
  std::vector<Token> tokens = scan(text, offset, inside, string_start);
  if (inside) {
    // In a string: only a template's `{expression}` completes, read as if
    // the expression stood where the string starts.
    if (string_start == std::string_view::npos) return {};
    size_t expr = template_expression_start(text, string_start, offset);
    if (expr == std::string_view::npos) return {};
    std::string shifted =
        std::string(text.substr(0, string_start)) + std::string(text.substr(expr, offset - expr));
    uint32_t at = static_cast<uint32_t>(shifted.size());
    bool still_inside = false;
    Completer c(project, index, shifted, scan(shifted, at, still_inside, string_start));
    if (still_inside) return {};
    c.run(at);
    return std::move(c.out);
  }
  Completer c(project, index, text, std::move(tokens));
  c.run(offset);
  return std::move(c.out);
}

}  // namespace play::ide
