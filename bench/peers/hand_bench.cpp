// The limit: the benchmark corpus's plays written by hand in C++ (generated
// into hand_plays.inc by gen_peers.py), over plain structs decoded once.
// Same semantics as the .play files; prints evaluations per second and the
// number of actions issued (the bench script checks it matches playc's).
//
//   hand_bench CORPUS_DIR [--repeat N] [--only-type T]
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <unordered_map>
#include <vector>

struct Account {
  std::string domain, name, country, tier, owner;
  long employees = 0;
  bool has_employees = false, is_customer = false, open_opportunity = false;
};
struct Contact {
  std::string email, name, account, email_domain;
  bool do_not_contact = false, in_active_sequence = false;
  long long last_enrolled_at = 0;
  bool has_last_enrolled = false;
};
struct Signal {
  std::string id;
  int type = -1;
  long long now = 0;
  std::string account, contact;
  uint32_t account_id = 0, contact_id = 0;  // interned at decode time, for ledger keys
  std::vector<std::string> prop;
  std::vector<bool> has;
};
struct Counts {
  long fired = 0, no_match = 0, not_icp = 0, excluded = 0, suppressed = 0, deduplicated = 0, actions = 0;
};
struct Arg {
  const char* name;
  std::string value;
};
struct World {
  std::unordered_map<std::string, Account> accounts;
  std::unordered_map<std::string, Contact> contacts;
  std::unordered_map<uint64_t, long long> ledger;  // (play, interned key) -> last fire
  size_t rr = 0;
};
static const char* const kSdrs[] = {"sam@acme.com", "kim@acme.com", "lee@acme.com"};

struct Eval {
  World* w;
  const Signal* sig;
  Account* acc;
  Contact* con;
  Counts* out;
  int icp_ent = -1, icp_mid = -1, supp = -1;

  bool enterprise() {
    if (icp_ent < 0)
      icp_ent = acc && acc->has_employees && acc->employees >= 500 &&
                (acc->country == "US" || acc->country == "CA" || acc->country == "GB");
    return icp_ent;
  }
  bool midmarket() {
    if (icp_mid < 0) icp_mid = acc && acc->has_employees && acc->employees >= 100 && acc->employees < 500;
    return icp_mid;
  }
  bool suppressed() {
    if (supp < 0) {
      supp = (con && (con->do_not_contact || con->in_active_sequence)) ||
             (acc && (acc->is_customer || acc->open_opportunity)) ||
             (con && (con->email_domain == "rival.io" || con->email_domain == "othervendor.com")) ||
             (con && con->has_last_enrolled && sig->now - con->last_enrolled_at < 30LL * 86400000);
    }
    return supp;
  }
  uint64_t key(int play, bool per_contact) {
    uint32_t k = per_contact && !sig->contact.empty() ? sig->contact_id : sig->account_id;
    return (static_cast<uint64_t>(play) << 32) | k;
  }
  bool fired_within(int play, long long within, bool per_contact) {
    auto it = w->ledger.find(key(play, per_contact));
    return it != w->ledger.end() && sig->now - it->second < within;
  }
  void fired(int play, bool per_contact) { w->ledger[key(play, per_contact)] = sig->now; }
  std::string round_robin() { return kSdrs[w->rr++ % 3]; }
  void emit(int, const char*, std::initializer_list<Arg> args) {
    // The arguments are built (templates rendered) by the caller, as the VM does.
    for (const Arg& a : args) sink_bytes += a.value.size();
    ++out->actions;
  }
  size_t sink_bytes = 0;
  void enrolled() {
    if (!con) {
      Contact c;
      c.email = sig->contact;
      con = &w->contacts.emplace(sig->contact, c).first->second;
    }
    con->last_enrolled_at = sig->now;
    con->has_last_enrolled = true;
  }
};

#include "hand_plays.inc"

static long long parse_time(std::string_view s) {
  struct tm t {};
  strptime(std::string(s).c_str(), "%Y-%m-%dT%H:%M:%SZ", &t);
  return static_cast<long long>(timegm(&t)) * 1000;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string dir = argv[1];
  int repeat = 1;
  std::string only;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--only-type")) only = argv[i + 1];
  }
  simdjson::dom::parser parser;
  World base;
  simdjson::dom::element ctx = parser.load(dir + "/context.json");
  for (auto a : ctx["accounts"].get_array()) {
    Account x;
    x.domain = std::string(a["domain"].get_string().value());
    x.name = std::string(a["name"].get_string().value());
    x.country = std::string(a["country"].get_string().value());
    x.tier = std::string(a["tier"].get_string().value());
    if (a["owner"].is_string()) x.owner = std::string(a["owner"].get_string().value());
    x.employees = a["employees"].get_int64().value();
    x.has_employees = true;
    x.is_customer = a["is_customer"].get_bool().value();
    x.open_opportunity = a["open_opportunity"].get_bool().value();
    base.accounts[x.domain] = x;
  }
  for (auto c : ctx["contacts"].get_array()) {
    Contact x;
    x.email = std::string(c["email"].get_string().value());
    x.name = std::string(c["name"].get_string().value());
    x.account = std::string(c["account"].get_string().value());
    x.email_domain = x.email.substr(x.email.find('@') + 1);
    x.do_not_contact = c["do_not_contact"].get_bool().value();
    x.in_active_sequence = c["in_active_sequence"].get_bool().value();
    base.contacts[x.email] = x;
  }
  std::vector<Signal> signals;
  std::unordered_map<std::string, int> type_of, prop_of;
  std::unordered_map<std::string, uint32_t> interned;
  auto intern = [&](const std::string& k) { return interned.emplace(k, interned.size() + 1).first->second; };
  for (int i = 0; i < kTypeCount; ++i) type_of[kTypes[i]] = i;
  for (int i = 0; i < kPropCount; ++i) prop_of[kProps[i]] = i;
  simdjson::dom::parser lp;
  simdjson::padded_string lines = simdjson::padded_string::load(dir + "/signals.ndjson");
  for (auto doc : lp.parse_many(lines)) {
    Signal s;
    std::string type(doc["type"].get_string().value());
    if (!only.empty() && type != only) continue;
    auto t = type_of.find(type);
    if (t == type_of.end()) continue;
    s.type = t->second;
    s.id = std::string(doc["id"].get_string().value());
    s.now = parse_time(doc["occurred_at"].get_string().value());
    s.account = std::string(doc["account"].get_string().value());
    s.contact = std::string(doc["contact"].get_string().value());
    s.account_id = intern("a:" + s.account);
    s.contact_id = intern("c:" + s.contact);
    s.prop.assign(kPropCount, "");
    s.has.assign(kPropCount, false);
    for (auto [k, v] : doc["properties"].get_object()) {
      auto p = prop_of.find(std::string(k));
      if (p != prop_of.end() && v.is_string())
        s.prop[p->second] = std::string(v.get_string().value()), s.has[p->second] = true;
    }
    signals.push_back(std::move(s));
  }
  std::vector<std::vector<int>> by_type(kTypeCount);
  for (int p = 0; p < static_cast<int>(sizeof(kPlays) / sizeof(kPlays[0])); ++p)
    by_type[kPlayType[p]].push_back(p);

  Counts counts;
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    World w = base;
    counts = Counts{};
    for (const Signal& s : signals) {
      Eval e{&w, &s, nullptr, nullptr, &counts};
      auto a = w.accounts.find(s.account);
      e.acc = a == w.accounts.end() ? nullptr : &a->second;
      auto c = w.contacts.find(s.contact);
      e.con = c == w.contacts.end() ? nullptr : &c->second;
      for (int p : by_type[s.type]) kPlays[p](e);
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "{\"impl\":\"hand C++\",\"signals\":%zu,\"repeat\":%d,\"seconds\":%.6f,\"signals_per_s\":%.1f,"
      "\"actions\":%ld,\"fired\":%ld,\"suppressed\":%ld,\"deduplicated\":%ld}\n",
      signals.size(), repeat, secs, signals.size() * repeat / secs, counts.actions, counts.fired,
      counts.suppressed, counts.deduplicated);
}
