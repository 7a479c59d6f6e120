// The seam between the executor loop and a vendor's API: what request an
// action becomes for an HTTP-kind sink, and what the vendor's answer means
// for the attempt (sent, retry on the schedule, or the DLQ at once). The
// executor keeps its guarantees around it -- every attempt durably recorded
// before the worker's next send, retries with Retry-After, the DLQ after
// max_attempts -- so a new vendor is a new Adapter, not a change to the loop.
//
// Every failed attempt's detail names the vendor call and its answer
// ("Slack chat.postMessage: 200 {"ok":false,"error":"channel_not_found"}"),
// with the sink's secrets (tokens, header values) redacted. A webhook's URL
// is a secret too, so details name the call, never the URL.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/sinks/executor.h"
#include "runtime/sinks/http_client.h"
#include "runtime/sinks/retry.h"

namespace play::sinks {

struct VendorRequest {
  std::string call;  // for details: "Slack chat.postMessage", "Slack incoming webhook", "webhook"
  std::string method = "POST";
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error;  // not empty: the action cannot become a request (the DLQ, with this)
};

class Adapter {
 public:
  explicit Adapter(SinkConfig config) : config_(std::move(config)) {}
  virtual ~Adapter() = default;
  virtual VendorRequest build(const PendingAction& a) const = 0;
  // The attempt's result; its detail redacted.
  virtual AttemptResult interpret(const VendorRequest& req, const HttpResult& r) const = 0;
  // One attempt at delivering `a` (the executor records its result): by
  // default build() + one request + interpret(). A vendor needing several
  // calls per action (HubSpot: search, owner, create) overrides it. Called
  // from the sink's worker threads at once.
  virtual AttemptResult deliver(const PendingAction& a, HttpClient& client) const;
  // `text` with every secret of the sink replaced by "[redacted]".
  std::string redact(std::string text) const;

 protected:
  SinkConfig config_;
};

// The adapter for an HTTP-kind sink (Http, Slack, HubSpot, PagerDuty, Salesforce).
std::unique_ptr<Adapter> make_adapter(const SinkConfig& config);

// Templated webhooks: `{action.play}`, `{action.signal}`, `{action.account}`,
// `{action.contact}`, `{action.key}`, `{action.action}` and
// `{action.args.NAME}` are replaced by the action's values, JSON-escaped
// (written inside a JSON string: "text": "{action.play} fired"). A missing
// value (no contact, no such argument) is "". A non-string argument is
// inserted as its JSON text (3, true), escaped the same way.
// "" when `tmpl` is usable: known placeholders only, and valid JSON once
// filled with sample values; else what is wrong.
std::string check_body_template(const std::string& tmpl);
std::string render_body_template(const std::string& tmpl, const PendingAction& a);

// Slack's Web API chat.postMessage body for an action ("" and `error` when
// it has no channel).
std::string slack_post_message_body(const PendingAction& a, const SinkConfig& config, std::string& error);

// HubSpot (CRM v3, a private app token). A `task` action (args subject,
// owner: an email, due: a duration from now) becomes a CRM task:
//   1. POST /crm/v3/objects/tasks/search on `key_property` = the action's key:
//      found -> sent (exactly once across a crash between HubSpot's 2xx and
//      playd's record);
//   2. GET /crm/v3/owners?email=OWNER -> the owner id (cached per sink); no
//      such owner -> the DLQ;
//   3. POST /crm/v3/objects/contacts/search (email = the action's contact) and
//      /crm/v3/objects/companies/search (domain = its account): not found ->
//      the task is created without that association;
//   4. POST /crm/v3/objects/tasks with the properties and associations.
// An `enroll` action (args sequence: an id or a name, rep: the sender's email,
// else the sink's default_sender) becomes a sequence enrollment (v4):
//   1. GET /crm/v3/owners?email=REP -> the owner's userId (cached per sink);
//   2. POST /crm/v3/objects/contacts/search (email = the action's contact):
//      none -> the DLQ (sequences enroll existing contacts);
//   3. a sequence name: GET /automation/v4/sequences/?userId=U, paged, matched
//      by name (cached per sink); none -> the DLQ;
//   4. GET /automation/v4/sequences/enrollments/contact/C: already in this
//      sequence -> sent (exactly once across a crash between HubSpot's 2xx
//      and playd's record);
//   5. POST /automation/v4/sequences/enrollments?userId=U {sequenceId,
//      contactId, senderEmail}; HubSpot's "already enrolled" refusal: in
//      this sequence -> sent, in another -> the DLQ with HubSpot's answer.
// Other action kinds: the DLQ ("not supported yet").
std::string hubspot_search_body(const std::string& property, const std::string& value);
// The create body; `contact_id` / `company_id` "" for no association.
std::string hubspot_task_body(const std::string& subject, int64_t timestamp_ms, const std::string& owner_id,
                              const std::string& key_property, const std::string& key,
                              const std::string& contact_id, const std::string& company_id);
// The first result's id of a CRM search answer ("" when none).
std::string hubspot_search_first_id(const std::string& body);
// The first owner's userId in a GET /crm/v3/owners answer ("" when none).
std::string hubspot_owner_user_id(const std::string& body);
// The enrollment's body: {"sequenceId", "contactId", "senderEmail"}.
std::string hubspot_enrollment_body(const std::string& sequence_id, const std::string& contact_id,
                                    const std::string& sender_email);
// BASE/automation/v4/sequences/enrollments?userId=U
std::string hubspot_enrollments_url(const std::string& base, const std::string& user_id);
// BASE/automation/v4/sequences/enrollments/contact/C
std::string hubspot_contact_enrollments_url(const std::string& base, const std::string& contact_id);
// BASE/automation/v4/sequences/?limit=100&userId=U[&after=A]
std::string hubspot_sequences_url(const std::string& base, const std::string& user_id,
                                  const std::string& after);
// One page of the sequences list: name -> id added to `names`, `next_after`
// = paging.next.after ("" on the last page).
void hubspot_sequences_page(const std::string& body, std::map<std::string, std::string>& names,
                            std::string& next_after);
// A contact's enrollment as GET .../enrollments/contact/C answers it (one
// object, or a `results` array of them); those without a sequenceId skipped.
struct HubSpotEnrollment {
  std::string id, sequence_id, sequence_name;
};
std::vector<HubSpotEnrollment> hubspot_enrollments(const std::string& body);
// HubSpot's answer refuses a contact already in a sequence ("already
// enrolled" / ALREADY_ENROLLED, any case).
bool hubspot_already_enrolled(const std::string& body);
// PagerDuty Events API v2 (shared with the alert sinks, alert_sinks.h):
// BASE/v2/enqueue ("" BASE: https://events.pagerduty.com).
std::string pagerduty_enqueue_url(std::string base);

// The Events API v2 "trigger" event for an action: routing_key, dedup_key =
// the action's idempotency key (a send retried after a crash between
// PagerDuty's 202 and playd recording it lands on the same incident), and a
// payload with summary (the notify text, else "PLAY: ACTION for ACCOUNT";
// at most 1024 bytes), source "playd", the sink's severity, and the action's
// args, play, signal, account and contact as custom_details; links to the
// play's dashboard page and the signal's trace when config.dashboard_url is
// set.
std::string pagerduty_event_body(const PendingAction& a, const SinkConfig& config);

}  // namespace play::sinks
