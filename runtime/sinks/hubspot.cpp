// HubSpot's CRM v3 API sink (adapter.h).
#include <simdjson.h>

#include <mutex>

#include "common/json/json.h"
#include "common/time/time.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

// HubSpot's CRM v3 API (adapter.h): several calls per attempt.
class HubSpotAdapter : public VendorAdapter {
 public:
  explicit HubSpotAdapter(SinkConfig c) : VendorAdapter(std::move(c), "HubSpot") {}

  AttemptResult deliver(const PendingAction& a, HttpClient& client) const override {
    ActionFields f = action_fields(a);
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    const std::string& action = f.top["action"];
    if (action != "task") return refuse("action '" + action + "' not supported yet");
    std::string subject = f.args["subject"], owner = f.args["owner"];
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
    // 2. The owner.
    std::string owner_id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = owners_.find(owner);
      if (it != owners_.end()) owner_id = it->second;
    }
    if (owner_id.empty() && !owner.empty()) {  // no owner argument: an unassigned task
      if (!call(client, "owners", "GET", base + "/crm/v3/owners?email=" + url_escape(owner), "", r, out))
        return out;
      owner_id = hubspot_search_first_id(r.body);
      if (owner_id.empty()) return refuse("owner not found: " + owner);
      std::lock_guard<std::mutex> lock(mu_);
      owners_[owner] = owner_id;
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
              hubspot_task_body(subject, wall_ms() + due_ms, owner_id, config_.key_property, a.key,
                                contact_id, company_id),
              r, out))
      return out;
    return sent(r.status, r.body);
  }

 private:
  mutable std::mutex mu_;
  mutable std::map<std::string, std::string> owners_;  // email -> owner id
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
