#include "runtime/ingest/segment.h"

#include <initializer_list>

#include "common/json/json.h"
#include "runtime/vm/value.h"

namespace play::ingest {

namespace dom = simdjson::dom;

namespace {

// The element at a path of object keys, if every step exists and is an object.
bool at(dom::element e, std::initializer_list<const char*> path, dom::element& out) {
  for (const char* key : path) {
    if (!e.is_object()) return false;
    auto next = e.get_object().value_unsafe()[key];
    if (next.error()) return false;
    e = next.value_unsafe();
  }
  out = e;
  return true;
}

// A string at the path, or "" (absent, null, or not a string).
std::string_view str(dom::element e, std::initializer_list<const char*> path) {
  dom::element v;
  if (!at(e, path, v) || !v.is_string()) return {};
  return v.get_string().value_unsafe();
}

struct Call {
  dom::element item;
  const SegmentRequest& request;
  // The item's context wins over the batch's (Segment merges them the same way).
  std::string_view context_str(std::initializer_list<const char*> path) const {
    dom::element ctx;
    if (at(item, {"context"}, ctx)) {
      std::string_view v = str(ctx, path);
      if (!v.empty()) return v;
    }
    if (request.batch_context && request.batch_context->is_object()) return str(*request.batch_context, path);
    return {};
  }
};

SegmentMapped error(std::string message) {
  SegmentMapped m;
  m.outcome = SegmentOutcome::Error;
  m.message = std::move(message);
  return m;
}

SegmentMapped ignored(std::string why) {
  SegmentMapped m;
  m.outcome = SegmentOutcome::Ignored;
  m.message = std::move(why);
  return m;
}

std::string_view email_of(const Call& c) {
  std::string_view email = str(c.item, {"traits", "email"});
  if (email.empty()) email = c.context_str({"traits", "email"});
  if (email.empty()) {
    std::string_view user = str(c.item, {"userId"});
    if (user.find('@') != std::string_view::npos) email = user;
  }
  return email;
}

std::string_view account_of(const Call& c) {
  std::string_view account = str(c.item, {"groupId"});
  if (account.empty()) account = c.context_str({"groupId"});
  return account;
}

// occurred_at = receivedAt - (sentAt - originalTimestamp): the client's
// clock may be off, but the time between the event and its sending is not.
bool occurred_at(const Call& c, int64_t& out, std::string& err) {
  std::string_view original = str(c.item, {"originalTimestamp"});
  const char* original_name = "originalTimestamp";
  if (original.empty()) {
    original = str(c.item, {"timestamp"});
    original_name = "timestamp";
  }
  if (original.empty()) {
    out = c.request.received_at_ms;
    return true;
  }
  int64_t original_ms = 0;
  if (!vm::parse_timestamp(original, original_ms)) {
    err = std::string(original_name) + ": not an RFC 3339 timestamp";
    return false;
  }
  std::string_view sent = str(c.item, {"sentAt"});
  if (sent.empty()) sent = c.request.batch_sent_at;
  int64_t sent_ms = 0;
  if (sent.empty()) {
    out = original_ms;
    return true;
  }
  if (!vm::parse_timestamp(sent, sent_ms)) {
    err = "sentAt: not an RFC 3339 timestamp";
    return false;
  }
  out = c.request.received_at_ms - (sent_ms - original_ms);
  return true;
}

SegmentMapped signal(const Call& c, std::string_view type, const SegmentConfig& config) {
  dom::element message_id;
  if (!at(c.item, {"messageId"}, message_id))
    return error("messageId: missing (it is the signal's dedup key)");
  if (!message_id.is_string() || message_id.get_string().value_unsafe().empty())
    return error("messageId: must be a non-empty string");
  SegmentMapped m;
  std::string err;
  if (!occurred_at(c, m.signal.occurred_at_ms, err)) return error(std::move(err));
  dom::element props;
  bool has_props = at(c.item, {"properties"}, props) && !props.is_null();
  if (has_props && !props.is_object()) return error("properties: must be an object");

  m.outcome = SegmentOutcome::Signal;
  m.signal.id = std::string(message_id.get_string().value_unsafe());
  m.signal.type = std::string(type);
  m.signal.received_at_ms = c.request.received_at_ms;
  std::string& out = m.signal.envelope;
  out.reserve(512);
  json::Writer w(out);
  w.begin_object();
  w.key("id").value(m.signal.id);
  w.key("type").value(type);
  w.key("source").value(c.request.source.empty() ? std::string_view("segment") : c.request.source);
  w.key("occurred_at").value(vm::format_timestamp(m.signal.occurred_at_ms));
  w.key("received_at").value(vm::format_timestamp(c.request.received_at_ms));
  if (std::string_view account = account_of(c); !account.empty()) w.key("account").value(account);
  if (std::string_view email = email_of(c); !email.empty()) w.key("contact").value(email);
  w.key("properties").begin_object();
  bool has_url = false, has_title = false, has_category = false, has_referrer = false;
  if (has_props) {
    // Name the object first: a range-for over a member of a temporary result dangles.
    dom::object fields = props.get_object().value_unsafe();
    for (auto field : fields) {
      w.key(field.key).raw(simdjson::minify(field.value));
      has_url |= field.key == "url";
      has_title |= field.key == "title";
      has_category |= field.key == "category";
      has_referrer |= field.key == "referrer";
    }
  }
  if (type == config.page_type) {
    // Page views carry the page in the call or its context, not always in properties.
    auto fill = [&](bool have, const char* key, std::string_view value) {
      if (!have && !value.empty()) w.key(key).value(value);
    };
    fill(has_url, "url", c.context_str({"page", "url"}));
    std::string_view title = c.context_str({"page", "title"});
    if (title.empty()) title = str(c.item, {"name"});
    fill(has_title, "title", title);
    fill(has_category, "category", str(c.item, {"category"}));
    fill(has_referrer, "referrer", c.context_str({"page", "referrer"}));
  }
  w.end_object();
  w.end_object();
  return m;
}

// Traits as a context record: every trait but the key, plus `name` from
// firstName/lastName when there is none. The schema check (dropping unknown
// traits) is the caller's, through IngestServices::check_context.
std::string fields_from_traits(std::optional<dom::element> traits, std::string_view skip,
                               std::string_view account) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  bool has_name = false, has_account = false;
  std::string_view first, last;
  if (traits && traits->is_object()) {
    dom::object fields = traits->get_object().value_unsafe();  // named: see signal()
    for (auto field : fields) {
      if (field.key == skip) continue;
      if (field.key == "firstName" && field.value.is_string())
        first = field.value.get_string().value_unsafe();
      if (field.key == "lastName" && field.value.is_string()) last = field.value.get_string().value_unsafe();
      has_name |= field.key == "name";
      has_account |= field.key == "account";
      w.key(field.key).raw(simdjson::minify(field.value));
    }
  }
  if (!has_name && (!first.empty() || !last.empty())) {
    std::string name(first);
    if (!first.empty() && !last.empty()) name += ' ';
    name += last;
    w.key("name").value(name);
  }
  if (!has_account && !account.empty()) w.key("account").value(account);
  w.end_object();
  return out;
}

SegmentMapped identify(const Call& c) {
  std::string_view email = email_of(c);
  if (email.empty()) return ignored("identify without an email (traits.email or an email userId)");
  std::optional<dom::element> traits;
  if (dom::element t; at(c.item, {"traits"}, t)) traits = t;
  if (traits && !traits->is_null() && !traits->is_object()) return error("traits: must be an object");
  SegmentMapped m;
  m.outcome = SegmentOutcome::Context;
  m.context.push_back(
      {store::Entity::Contact, std::string(email), fields_from_traits(traits, "email", account_of(c))});
  return m;
}

SegmentMapped group(const Call& c) {
  std::string_view domain = str(c.item, {"groupId"});
  if (domain.empty()) return error("groupId: missing (the account's domain)");
  std::optional<dom::element> traits;
  if (dom::element t; at(c.item, {"traits"}, t)) traits = t;
  if (traits && !traits->is_null() && !traits->is_object()) return error("traits: must be an object");
  SegmentMapped m;
  m.outcome = SegmentOutcome::Context;
  m.context.push_back(
      {store::Entity::Account, std::string(domain), fields_from_traits(traits, "domain", "")});
  // A group call also says which account the user belongs to.
  if (std::string_view email = email_of(c); !email.empty()) {
    std::string fields;
    json::Writer(fields).begin_object().key("account").value(domain).end_object();
    m.context.push_back({store::Entity::Contact, std::string(email), std::move(fields)});
  }
  return m;
}

}  // namespace

SegmentMapped map_segment_call(dom::element item, const SegmentRequest& request,
                               const SegmentConfig& config) {
  if (!item.is_object()) return error("a call must be a JSON object");
  if (simdjson::minify(item).size() > config.max_event_bytes)
    return error("call larger than " + std::to_string(config.max_event_bytes / 1024) + " KB");
  Call c{item, request};
  std::string_view call = request.call;
  if (call.empty()) {
    call = str(item, {"type"});
    if (call.empty()) return error("type: missing (track, page, identify, group, screen or alias)");
  }
  if (call == "track") {
    dom::element event;
    if (!at(item, {"event"}, event) || !event.is_string() || event.get_string().value_unsafe().empty())
      return error("event: missing (a non-empty string)");
    std::string_view name = event.get_string().value_unsafe();
    auto mapped = config.events.find(std::string(name));
    if (mapped != config.events.end()) return signal(c, mapped->second, config);
    if (config.is_signal_type && config.is_signal_type(name)) return signal(c, name, config);
    return ignored("no signal type is mapped to event '" + std::string(name) + "'");
  }
  if (call == "page") return signal(c, config.page_type, config);
  if (call == "identify") return identify(c);
  if (call == "group") return group(c);
  if (call == "screen" || call == "alias") return ignored(std::string(call) + " calls are not used by plays");
  return error("type: unknown call type '" + std::string(call) + "'");
}

}  // namespace play::ingest
