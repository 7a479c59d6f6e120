// Outreach's API v2 sink (outreach.h).
#include "runtime/sinks/outreach.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/json/json.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

// An id as Outreach writes it: a number, or a string for anything else.
void id_value(json::Writer& w, const std::string& id) {
  if (all_digits(id) && id.size() < 19)
    w.raw(id);
  else
    w.value(id);
}

class OutreachAdapter : public VendorAdapter {
 public:
  explicit OutreachAdapter(SinkConfig c) : VendorAdapter(std::move(c), "Outreach"), token_(config_.token) {
    if (!config_.token_path.empty()) {
      std::error_code ec;
      token_mtime_ = std::filesystem::last_write_time(config_.token_path, ec);
    }
  }

  AttemptResult deliver(const PendingAction& a, HttpClient& client) const override {
    refresh_token();
    AttemptResult out = enroll(a, client);
    // A token re-read from token_file is not config_.token: redact it too.
    std::string token = current_token();
    if (token.size() >= 4)
      for (size_t p = out.detail.find(token); p != std::string::npos; p = out.detail.find(token, p + 10))
        out.detail.replace(p, token.size(), "[redacted]");
    return out;
  }

 protected:
  std::vector<std::pair<std::string, std::string>> auth_headers() const override {
    return {{"Authorization", "Bearer " + current_token()}};
  }

 private:
  AttemptResult enroll(const PendingAction& a, HttpClient& client) const {
    ActionFields f = action_fields(a);
    const std::string& action = f.top["action"];
    if (action != "enroll") return refuse("action '" + action + "' not supported yet");
    const std::string sequence = f.args["sequence"];
    if (sequence.empty()) return refuse("an enrollment needs a sequence");
    const std::string email = f.top["contact"];
    if (email.empty())
      return refuse("an enrollment needs a contact (the prospect's email); this action has none");
    std::string rep = f.args["rep"];
    if (rep.empty()) rep = config_.default_mailbox;
    if (rep.empty()) return refuse("no rep for the enrollment (no rep argument, no default_mailbox)");
    std::string base = trim_slashes(config_.base_url);
    HttpResult r;
    AttemptResult out;

    // 1. The prospect, by email; created when allowed.
    std::string prospect_id;
    if (!lookup(client, "prospects lookup", outreach_prospect_url(base, email), prospect_id, r, out))
      return out;
    if (prospect_id.empty()) {
      if (!config_.create_prospects) return refuse("prospect not found: " + email);
      bool created = call(client, "prospects create", "POST", base + "/prospects",
                          outreach_prospect_body(email), r, out, kJsonApi);
      if (!created && r.status != 422) return explain("prospects create", r, out);
      if (created) outreach_data_id(r.body, prospect_id);
      if (prospect_id.empty()) {
        // A 422: another attempt (another play enrolling the same contact) created it meanwhile;
        // a 2xx whose answer was cut short: the id is not in it. Either way, look again.
        AttemptResult refused = out;
        HttpResult create = r;
        if (!lookup(client, "prospects lookup", outreach_prospect_url(base, email), prospect_id, r, out))
          return out;
        if (prospect_id.empty() && !created) return explain("prospects create", create, refused);
        if (prospect_id.empty()) {
          out = refuse("prospects create: " + email + " created, but not found by email yet");
          out.retry = true;
          return out;
        }
      }
    }

    // 2. The sequence: an id, or a name looked up once per sink.
    std::string sequence_id = all_digits(sequence) ? sequence : sequences_.find(sequence);
    if (sequence_id.empty()) {
      if (!lookup(client, "sequences lookup", outreach_sequence_url(base, sequence), sequence_id, r, out))
        return out;
      if (sequence_id.empty()) return refuse("sequence not found: " + sequence);
      sequences_.put(sequence, sequence_id);
    }

    // 3. Exactly once: the prospect is (or was) in the sequence already.
    std::string state_id, state;
    if (!lookup(client, "sequenceStates lookup", outreach_state_url(base, prospect_id, sequence_id), state_id,
                r, out, &state))
      return out;
    if (!state_id.empty())
      return sent(r.status, "Outreach sequenceState " + state_id + " (state " +
                                (state.empty() ? "?" : state) + "): prospect " + prospect_id +
                                " already in sequence " + sequence_id + ", not enrolled again");

    // 4. The rep's mailbox.
    std::string mailbox_id = mailboxes_.find(rep);
    if (mailbox_id.empty()) {
      if (!lookup(client, "mailboxes lookup", outreach_mailbox_url(base, rep), mailbox_id, r, out))
        return out;
      if (mailbox_id.empty()) return refuse("mailbox not found: " + rep);
      mailboxes_.put(rep, mailbox_id);
    }

    // 5. The enrollment.
    if (!call(client, "sequenceStates create", "POST", base + "/sequenceStates",
              outreach_sequence_state_body(prospect_id, sequence_id, mailbox_id), r, out, kJsonApi)) {
      if (r.status == 422 && outreach_already_enrolled(r.body))
        return sent(r.status, "Outreach sequenceStates create: 422 " + outreach_error_details(r.body) +
                                  ": prospect " + prospect_id + " already in sequence " + sequence_id +
                                  ", not enrolled again");
      return explain("sequenceStates create", r, out);
    }
    std::string created_id;
    outreach_data_id(r.body, created_id);
    return sent(r.status, "Outreach sequenceState " + (created_id.empty() ? "?" : created_id) +
                              " (prospect " + prospect_id + ", sequence " + sequence_id + ", mailbox " +
                              mailbox_id + ")");
  }

  // A GET of one resource: `id` "" when none. False with `out` the failed attempt.
  bool lookup(HttpClient& client, const std::string& name, const std::string& url, std::string& id,
              HttpResult& r, AttemptResult& out, std::string* state = nullptr) const {
    id.clear();
    if (!call(client, name, "GET", url, "", r, out, kJsonApi)) {
      out = explain(name, r, out);
      return false;
    }
    if (outreach_data_id(r.body, id, state)) return true;
    out = refuse(name + ": not a JSON:API answer: " + answer_text(r));
    out.http_status = r.status;
    out.retry = true;  // a proxy's page, an answer cut short: try again later
    return false;
  }

  // A 4xx with JSON:API errors: the detail names them first ("Outreach
  // sequenceStates create: 422 Prospect has no email address (...)").
  AttemptResult explain(const std::string& name, const HttpResult& r, AttemptResult out) const {
    if (r.status >= 400 && r.status < 500 && r.status != 401 && r.status != 403)
      if (std::string details = outreach_error_details(r.body); !details.empty())
        out.detail = redact(vendor_ + " " + name + ": " + std::to_string(r.status) + " " + details + " (" +
                            r.body + ")");
    return out;
  }

  std::string current_token() const {
    std::lock_guard<std::mutex> lock(mu_);
    return token_;
  }

  // token_file changed (an operator's or a cron job's refresh): read it again.
  void refresh_token() const {
    if (config_.token_path.empty()) return;
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(config_.token_path, ec);
    if (ec) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (mtime == token_mtime_) return;
    }
    std::ifstream in(config_.token_path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string t = ss.str();
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    std::lock_guard<std::mutex> lock(mu_);
    token_mtime_ = mtime;
    if (in && !t.empty()) token_ = t;  // a file being rewritten (empty for a moment): keep the old token
  }

  mutable std::mutex mu_;
  mutable IdCache sequences_;  // name -> id
  mutable IdCache mailboxes_;  // email -> id
  mutable std::string token_;
  mutable std::filesystem::file_time_type token_mtime_{};
};

// BASE/COLLECTION?filter[...]=VALUE&fields[TYPE]=FIELD&page[size]=1
std::string lookup_url(const std::string& base, const std::string& collection, const std::string& type,
                       const std::string& filter, const std::string& value, const std::string& field) {
  return base + "/" + collection + "?filter" + filter + "=" + url_encode(value) + "&fields[" + type +
         "]=" + field + "&page[size]=1";
}

}  // namespace

std::unique_ptr<Adapter> make_outreach_adapter(const SinkConfig& config) {
  return std::make_unique<OutreachAdapter>(config);
}

std::string outreach_prospect_url(const std::string& base, const std::string& email) {
  return lookup_url(base, "prospects", "prospect", "[emails]", email, "emails");
}

std::string outreach_sequence_url(const std::string& base, const std::string& name) {
  return lookup_url(base, "sequences", "sequence", "[name]", name, "name");
}

std::string outreach_mailbox_url(const std::string& base, const std::string& email) {
  return lookup_url(base, "mailboxes", "mailbox", "[email]", email, "email");
}

std::string outreach_state_url(const std::string& base, const std::string& prospect_id,
                               const std::string& sequence_id) {
  return base + "/sequenceStates?filter[prospect][id]=" + url_encode(prospect_id) +
         "&filter[sequence][id]=" + url_encode(sequence_id) + "&fields[sequenceState]=state&page[size]=1";
}

std::string outreach_prospect_body(const std::string& email) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("data").begin_object().key("type").value("prospect");
  w.key("attributes").begin_object().key("emails").begin_array().value(email).end_array().end_object();
  w.end_object().end_object();
  return out;
}

std::string outreach_sequence_state_body(const std::string& prospect_id, const std::string& sequence_id,
                                         const std::string& mailbox_id) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("data").begin_object().key("type").value("sequenceState");
  w.key("relationships").begin_object();
  for (auto [type, id] : {std::pair<const char*, const std::string*>{"prospect", &prospect_id},
                          {"sequence", &sequence_id},
                          {"mailbox", &mailbox_id}}) {
    w.key(type).begin_object().key("data").begin_object().key("type").value(type).key("id");
    id_value(w, *id);
    w.end_object().end_object();
  }
  w.end_object().end_object().end_object();
  return out;
}

bool outreach_data_id(const std::string& body, std::string& id, std::string* state) {
  id.clear();
  if (state) state->clear();
  simdjson::dom::parser parser;
  simdjson::dom::element doc, data, first;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || doc["data"].get(data) != simdjson::SUCCESS)
    return false;
  simdjson::dom::array items;
  if (data.get_array().get(items) == simdjson::SUCCESS) {
    if (items.size() == 0) return true;
    if (items.at(0).get(first) != simdjson::SUCCESS) return false;
  } else if (data.is_object()) {
    first = data;
  } else {
    return false;
  }
  std::string_view s;
  int64_t n;
  if (first["id"].get_string().get(s) == simdjson::SUCCESS)
    id = std::string(s);
  else if (first["id"].get_int64().get(n) == simdjson::SUCCESS)
    id = std::to_string(n);
  else
    return false;
  if (state && first["attributes"]["state"].get_string().get(s) == simdjson::SUCCESS) *state = std::string(s);
  return true;
}

std::string outreach_error_details(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array errors;
  if (parser.parse(body)["errors"].get_array().get(errors) != simdjson::SUCCESS) return "";
  std::string out;
  for (auto e : errors) {
    std::string_view s;
    if (e["detail"].get_string().get(s) != simdjson::SUCCESS &&
        e["details"].get_string().get(s) != simdjson::SUCCESS &&
        e["title"].get_string().get(s) != simdjson::SUCCESS)
      continue;
    if (!out.empty()) out += "; ";
    out += std::string(s);
  }
  return out;
}

bool outreach_already_enrolled(const std::string& body) {
  std::string text = lower(outreach_error_details(body));
  return text.find("already") != std::string::npos;
}

}  // namespace play::sinks
