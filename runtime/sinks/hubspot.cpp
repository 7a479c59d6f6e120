// HubSpot's sink (adapter.h): CRM v3 tasks and Sequences v4 enrollments.
#include <simdjson.h>

#include <cctype>
#include <mutex>
#include <vector>

#include "common/json/json.h"
#include "common/time/time.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

// HubSpot's CRM v3 and Sequences v4 APIs (adapter.h): several calls per attempt.
class HubSpotAdapter : public VendorAdapter {
 public:
  explicit HubSpotAdapter(SinkConfig c) : VendorAdapter(std::move(c), "HubSpot") {}

  AttemptResult deliver(const PendingAction& a, HttpClient& client) const override {
    ActionFields f = action_fields(a);
    const std::string& action = f.top["action"];
    if (action == "task") return task(a, f, client);
    if (action == "enroll") return enroll(a, f, client);
    return refuse("action '" + action + "' not supported yet");
  }

 private:
  struct Owner {
    std::string id;       // the owner id (hubspot_owner_id on CRM records)
    std::string user_id;  // the user id (the Sequences API's userId)
  };

  // The owner with `email` (cached per sink): false when the call failed
  // (`out` set); `owner.id` "" when HubSpot has no such owner.
  bool owner(HttpClient& client, const std::string& base, const std::string& email, Owner& o, HttpResult& r,
             AttemptResult& out) const {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = owners_.find(email);
      if (it != owners_.end()) {
        o = it->second;
        return true;
      }
    }
    if (!call(client, "owners", "GET", base + "/crm/v3/owners?email=" + url_encode(email), "", r, out))
      return false;
    o.id = hubspot_search_first_id(r.body);
    o.user_id = hubspot_owner_user_id(r.body);
    if (!o.id.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      owners_[email] = o;
    }
    return true;
  }

  AttemptResult task(const PendingAction& a, ActionFields& f, HttpClient& client) const {
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    std::string subject = f.args["subject"], owner_email = f.args["owner"];
    if (subject.empty()) return refuse("a task needs a subject");
    int64_t due_ms = 0;
    if (f.args.count("due") && !parse_duration(f.args["due"], due_ms))
      return refuse("due is not a duration: " + f.args["due"]);
    std::string base = trim_slashes(config_.base_url);
    HttpResult r;
    // 1. Exactly once: a task carrying this key was created by an earlier attempt.
    if (!call(client, "tasks search", "POST", base + "/crm/v3/objects/tasks/search",
              hubspot_search_body(config_.key_property, a.key), r, out))
      return out;
    if (std::string id = hubspot_search_first_id(r.body); !id.empty()) {
      return sent(r.status, "HubSpot task " + id + " (found by " + config_.key_property + ")");
    }
    // 2. The owner (no owner argument: an unassigned task).
    Owner o;
    if (!owner_email.empty()) {
      if (!owner(client, base, owner_email, o, r, out)) return out;
      if (o.id.empty()) return refuse("owner not found: " + owner_email);
    }
    // 3. The contact and the company (missing: no association).
    std::string contact_id, company_id;
    if (!a.contact.empty()) {
      if (!call(client, "contacts search", "POST", base + "/crm/v3/objects/contacts/search",
                hubspot_search_body("email", a.contact), r, out))
        return out;
      contact_id = hubspot_search_first_id(r.body);
    }
    if (!a.account.empty()) {
      if (!call(client, "companies search", "POST", base + "/crm/v3/objects/companies/search",
                hubspot_search_body("domain", a.account), r, out))
        return out;
      company_id = hubspot_search_first_id(r.body);
    }
    // 4. The task.
    if (!call(client, "tasks create", "POST", base + "/crm/v3/objects/tasks",
              hubspot_task_body(subject, wall_ms() + due_ms, o.id, config_.key_property, a.key, contact_id,
                                company_id),
              r, out))
      return out;
    return sent(r.status, r.body);
  }

  // The contact's current enrollment (GET .../enrollments/contact/ID):
  // false when the call failed (`out` set); `found` empty when the
  // contact is in no sequence (HubSpot answers 404, or no sequenceId).
  bool enrollment(HttpClient& client, const std::string& base, const std::string& contact_id,
                  std::vector<HubSpotEnrollment>& found, HttpResult& r, AttemptResult& out) const {
    found.clear();
    if (!call(client, "contact enrollments", "GET", hubspot_contact_enrollments_url(base, contact_id), "", r,
              out)) {
      if (r.status == 404) return true;
      return false;
    }
    found = hubspot_enrollments(r.body);
    return true;
  }

  AttemptResult enroll(const PendingAction& a, ActionFields& f, HttpClient& client) const {
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    std::string sequence = f.args["sequence"], rep = f.args["rep"];
    if (sequence.empty()) return refuse("an enrollment needs a sequence");
    if (a.contact.empty()) return refuse("an enrollment needs a contact (the action has none)");
    if (rep.empty()) rep = config_.default_sender;
    if (rep.empty()) return refuse("no rep for the enrollment (no rep argument, no default_sender)");
    std::string base = trim_slashes(config_.base_url);
    HttpResult r;
    // 1. The sender: a HubSpot user (the owners API carries its userId).
    Owner o;
    if (!owner(client, base, rep, o, r, out)) return out;
    if (o.id.empty()) return refuse("owner not found: " + rep);
    if (o.user_id.empty()) return refuse("owner " + rep + " has no HubSpot user (no userId)");
    // 2. The contact (sequences enroll existing contacts: none is created).
    if (!call(client, "contacts search", "POST", base + "/crm/v3/objects/contacts/search",
              hubspot_search_body("email", a.contact), r, out))
      return out;
    std::string contact_id = hubspot_search_first_id(r.body);
    if (contact_id.empty()) return refuse("contact not found: " + a.contact);
    // 3. The sequence: an id as it is, a name looked up in the sender's sequences.
    std::string sequence_id = sequence;
    if (!all_digits(sequence)) {
      if (!sequence_by_name(client, base, o.user_id, sequence, sequence_id, r, out)) return out;
      if (sequence_id.empty()) return refuse("sequence not found: " + sequence);
    }
    // 4. Exactly once: the contact is already in this sequence (an earlier
    // attempt enrolled it; its answer was lost, or playd crashed before
    // recording it).
    std::vector<HubSpotEnrollment> current;
    if (!enrollment(client, base, contact_id, current, r, out)) return out;
    for (const auto& e : current)
      if (e.sequence_id == sequence_id)
        return sent(r.status, "HubSpot enrollment " + e.id + " of contact " + contact_id + " in sequence " +
                                  sequence_id + " (found before enrolling)");
    // 5. The enrollment.
    if (call(client, "enrollments create", "POST", hubspot_enrollments_url(base, o.user_id),
             hubspot_enrollment_body(sequence_id, contact_id, rep), r, out))
      return sent(r.status, r.body);
    // HubSpot refuses a contact already in a sequence: this one (a race
    // with another attempt) is sent; another one is the DLQ, HubSpot's answer kept.
    if (r.status < 400 || r.status >= 500 || r.status == 401 || r.status == 403 || r.status == 408 ||
        r.status == 429 || !hubspot_already_enrolled(r.body))
      return out;
    AttemptResult refused = out;
    HttpResult r2;
    if (!enrollment(client, base, contact_id, current, r2, out)) return out;
    for (const auto& e : current) {
      if (e.sequence_id == sequence_id)
        return sent(r2.status, "HubSpot enrollment " + e.id + " of contact " + contact_id + " in sequence " +
                                   sequence_id + " (HubSpot: already enrolled)");
    }
    std::string other;
    for (const auto& e : current)
      other += (other.empty() ? "" : ", ") + e.sequence_name + " (" + e.sequence_id + ")";
    if (!other.empty())
      refused.detail = redact("HubSpot: contact " + a.contact + " is already in sequence " + other + ": ") +
                       refused.detail;
    return refused;
  }

  // The id of the sequence named `name` among `user_id`'s (cached per sink;
  // an unknown name lists them again, a sequence may have been created
  // since): false when a call failed; `id` "" when there is none.
  bool sequence_by_name(HttpClient& client, const std::string& base, const std::string& user_id,
                        const std::string& name, std::string& id, HttpResult& r, AttemptResult& out) const {
    id.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sequences_.find(user_id);
      if (it != sequences_.end() && it->second.count(name)) {
        id = it->second.at(name);
        return true;
      }
    }
    std::map<std::string, std::string> names;
    std::string after;
    for (int page = 0; page < 100; ++page) {  // at most 10,000 sequences
      if (!call(client, "sequences", "GET", hubspot_sequences_url(base, user_id, after), "", r, out))
        return false;
      std::string next;
      hubspot_sequences_page(r.body, names, next);
      if (next.empty() || next == after) break;
      after = next;
    }
    std::lock_guard<std::mutex> lock(mu_);
    sequences_[user_id] = names;
    auto it = names.find(name);
    if (it != names.end()) id = it->second;
    return true;
  }

  mutable std::mutex mu_;
  mutable std::map<std::string, Owner> owners_;                                  // email -> owner
  mutable std::map<std::string, std::map<std::string, std::string>> sequences_;  // user id -> name -> id
};

}  // namespace

std::unique_ptr<Adapter> make_hubspot_adapter(const SinkConfig& config) {
  return std::make_unique<HubSpotAdapter>(config);
}

std::string hubspot_search_body(const std::string& property, const std::string& value) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("filterGroups").begin_array().begin_object().key("filters").begin_array();
  w.begin_object().key("propertyName").value(property).key("operator").value("EQ").key("value").value(value);
  w.end_object().end_array().end_object().end_array();
  w.key("properties").begin_array().value(property).end_array().key("limit").value(1).end_object();
  return out;
}

std::string hubspot_task_body(const std::string& subject, int64_t timestamp_ms, const std::string& owner_id,
                              const std::string& key_property, const std::string& key,
                              const std::string& contact_id, const std::string& company_id) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("properties").begin_object();
  w.key("hs_task_subject").value(subject).key("hs_timestamp").value(std::to_string(timestamp_ms));
  if (!owner_id.empty()) w.key("hubspot_owner_id").value(owner_id);
  w.key("hs_task_status").value("NOT_STARTED");
  w.key(key_property).value(key).end_object();
  w.key("associations").begin_array();
  for (auto [id, type] : {std::pair<const std::string*, int>{&contact_id, 204}, {&company_id, 192}}) {
    if (id->empty()) continue;
    w.begin_object().key("to").begin_object().key("id").value(*id).end_object();
    w.key("types").begin_array().begin_object().key("associationCategory").value("HUBSPOT_DEFINED");
    w.key("associationTypeId").value(type).end_object().end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string hubspot_search_first_id(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array results;
  if (parser.parse(body)["results"].get_array().get(results) != simdjson::SUCCESS) return "";
  for (auto r : results) {
    std::string_view id;
    if (r["id"].get_string().get(id) == simdjson::SUCCESS) return std::string(id);
    int64_t n;
    if (r["id"].get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
  }
  return "";
}

}  // namespace play::sinks

namespace play::sinks {

namespace {

std::string json_id(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  int64_t n;
  if (e.get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  return "";
}

}  // namespace

std::string hubspot_owner_user_id(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array results;
  if (parser.parse(body)["results"].get_array().get(results) != simdjson::SUCCESS) return "";
  for (auto r : results) {
    simdjson::dom::element u;
    if (r["userId"].get(u) == simdjson::SUCCESS) return json_id(u);
    return "";
  }
  return "";
}

std::string hubspot_enrollment_body(const std::string& sequence_id, const std::string& contact_id,
                                    const std::string& sender_email) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("sequenceId").value(sequence_id).key("contactId").value(contact_id);
  w.key("senderEmail").value(sender_email).end_object();
  return out;
}

std::string hubspot_enrollments_url(const std::string& base, const std::string& user_id) {
  return base + "/automation/v4/sequences/enrollments?userId=" + url_encode(user_id);
}

std::string hubspot_contact_enrollments_url(const std::string& base, const std::string& contact_id) {
  return base + "/automation/v4/sequences/enrollments/contact/" + url_encode(contact_id);
}

std::string hubspot_sequences_url(const std::string& base, const std::string& user_id,
                                  const std::string& after) {
  std::string url = base + "/automation/v4/sequences/?limit=100&userId=" + url_encode(user_id);
  if (!after.empty()) url += "&after=" + url_encode(after);
  return url;
}

void hubspot_sequences_page(const std::string& body, std::map<std::string, std::string>& names,
                            std::string& next_after) {
  next_after.clear();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return;
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results) == simdjson::SUCCESS)
    for (auto r : results) {
      std::string_view name;
      simdjson::dom::element id;
      if (r["name"].get_string().get(name) != simdjson::SUCCESS || r["id"].get(id) != simdjson::SUCCESS)
        continue;
      names.emplace(std::string(name), json_id(id));  // two of one name: the first listed
    }
  std::string_view after;
  if (doc.at_pointer("/paging/next/after").get_string().get(after) == simdjson::SUCCESS)
    next_after = std::string(after);
}

std::vector<HubSpotEnrollment> hubspot_enrollments(const std::string& body) {
  std::vector<HubSpotEnrollment> out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return out;
  auto one = [&](simdjson::dom::element e) {
    simdjson::dom::element v;
    HubSpotEnrollment h;
    if (e["sequenceId"].get(v) == simdjson::SUCCESS) h.sequence_id = json_id(v);
    if (h.sequence_id.empty()) return;
    if (e["id"].get(v) == simdjson::SUCCESS) h.id = json_id(v);
    std::string_view name;
    if (e["sequenceName"].get_string().get(name) == simdjson::SUCCESS) h.sequence_name = std::string(name);
    out.push_back(std::move(h));
  };
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results) == simdjson::SUCCESS) {
    for (auto e : results) one(e);
  } else if (doc.is_object()) {
    one(doc);
  }
  return out;
}

bool hubspot_already_enrolled(const std::string& body) {
  std::string lower;
  for (char c : body) lower += c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("already enrolled") != std::string::npos;
}

}  // namespace play::sinks
