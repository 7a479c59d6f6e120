// Salesloft's REST API v2 sink (salesloft.h).
#include "runtime/sinks/salesloft.h"

#include <simdjson.h>

#include <cctype>
#include <map>
#include <mutex>

#include "common/json/json.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

// A record's id (Salesloft's ids are integers; a string is taken as is).
std::string id_of(simdjson::dom::element e) {
  int64_t n;
  if (e["id"].get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
  std::string_view s;
  if (e["id"].get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return "";
}

class SalesloftAdapter : public VendorAdapter {
 public:
  explicit SalesloftAdapter(SinkConfig c) : VendorAdapter(std::move(c), "Salesloft") {}

  AttemptResult deliver(const PendingAction& a, HttpClient& client) const override {
    ActionFields f = action_fields(a);
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    const std::string& action = f.top["action"];
    if (action != "enroll") return refuse("action '" + action + "' not supported yet");
    std::string sequence = f.args["sequence"], rep = f.args["rep"], email = f.top["contact"];
    if (sequence.empty()) return refuse("an enroll needs a sequence (a cadence name or id)");
    if (email.empty()) return refuse("an enroll needs a contact (the person's email)");
    std::string base = trim_slashes(config_.base_url);
    HttpResult r;

    // 1. The person, by email (created when the sink allows it).
    if (!call(client, "people list", "GET", base + "/v2/people?email_addresses%5B%5D=" + url_encode(email),
              "", r, out))
      return out;
    std::string person_id = salesloft_find_id(r.body, "email_address", email, true);
    if (person_id.empty()) {
      if (!config_.create_people) return refuse("person not found: " + email);
      if (!call(client, "people create", "POST", base + "/v2/people", salesloft_person_body(email), r, out))
        return out;
      person_id = salesloft_data_id(r.body);
      if (person_id.empty()) return refuse("people create: no id in the answer: " + answer_text(r));
    }

    // 2. The cadence: an id, or looked up by name (cached).
    std::string cadence_id = all_digits(sequence) ? sequence : cadences_.find(sequence);
    if (cadence_id.empty()) {
      if (!call(client, "cadences list", "GET",
                base + "/v2/cadences?per_page=100&name%5B%5D=" + url_encode(sequence), "", r, out))
        return out;
      cadence_id = salesloft_find_id(r.body, "name", sequence, false);
      if (cadence_id.empty()) return refuse("cadence not found: " + sequence);
      cadences_.put(sequence, cadence_id);
    }

    // 3. The rep's user (cached); no rep: the API key's owner.
    std::string user_id;
    if (!rep.empty()) {
      user_id = users_.find(lower(rep));
      if (user_id.empty()) {
        if (!call(client, "users list", "GET", base + "/v2/users?per_page=100&search=" + url_encode(rep), "",
                  r, out))
          return out;
        user_id = salesloft_find_id(r.body, "email", rep, true);
        if (user_id.empty()) return refuse("user not found: " + rep);
        users_.put(lower(rep), user_id);
      }
    }

    // 4. Exactly once: already on the cadence (an earlier attempt got that far).
    std::string lookup = salesloft_memberships_url(base, person_id, cadence_id, "", true);
    if (!call(client, "cadence memberships list", "GET", lookup, "", r, out)) return out;
    if (std::string id = salesloft_current_membership(r.body); !id.empty())
      return sent(r.status, "Salesloft cadence membership " + id + " (already on the cadence)");

    // 5. The membership.
    if (!call(client, "cadence memberships create", "POST",
              salesloft_memberships_url(base, person_id, cadence_id, user_id, false), "", r, out)) {
      if (r.status != 422) return out;
      // Refused: because the person is on the cadence already (a concurrent enrollment)?
      AttemptResult refused = out;
      if (!call(client, "cadence memberships list", "GET", lookup, "", r, out)) return out;
      if (std::string id = salesloft_current_membership(r.body); !id.empty())
        return sent(r.status, "Salesloft cadence membership " + id + " (already on the cadence)");
      return refused;
    }
    std::string id = salesloft_data_id(r.body);
    return sent(r.status, "Salesloft cadence membership " + (id.empty() ? r.body : id));
  }

 private:
  mutable IdCache cadences_;  // name -> cadence id
  mutable IdCache users_;     // lower-cased email -> user id
};

}  // namespace

std::unique_ptr<Adapter> make_salesloft_adapter(const SinkConfig& config) {
  return std::make_unique<SalesloftAdapter>(config);
}

std::string salesloft_find_id(const std::string& body, const std::string& field, const std::string& value,
                              bool fold_case) {
  simdjson::dom::parser parser;
  simdjson::dom::array data;
  if (parser.parse(body)["data"].get_array().get(data) != simdjson::SUCCESS) return "";
  std::string want = fold_case ? lower(value) : value;
  for (auto rec : data) {
    std::string_view v;
    if (rec[field].get_string().get(v) != simdjson::SUCCESS) continue;
    std::string got(v);
    if ((fold_case ? lower(got) : got) == want) return id_of(rec);
  }
  return "";
}

std::string salesloft_data_id(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element data;
  if (parser.parse(body)["data"].get(data) != simdjson::SUCCESS || !data.is_object()) return "";
  return id_of(data);
}

std::string salesloft_current_membership(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array data;
  if (parser.parse(body)["data"].get_array().get(data) != simdjson::SUCCESS) return "";
  for (auto rec : data) {
    bool on = false;
    if (rec["currently_on_cadence"].get_bool().get(on) == simdjson::SUCCESS && on) return id_of(rec);
  }
  return "";
}

std::string salesloft_person_body(const std::string& email) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("email_address").value(email).end_object();
  return out;
}

std::string salesloft_memberships_url(const std::string& base, const std::string& person_id,
                                      const std::string& cadence_id, const std::string& user_id,
                                      bool current_only) {
  std::string url = trim_slashes(base) + "/v2/cadence_memberships?person_id=" + url_encode(person_id) +
                    "&cadence_id=" + url_encode(cadence_id);
  if (current_only) return url + "&currently_on_cadence=true";
  if (!user_id.empty()) url += "&user_id=" + url_encode(user_id);
  return url;
}

}  // namespace play::sinks
