// Outreach's API v2 (JSON:API) sink: `enroll` actions become sequenceStates.
// The request URLs and bodies, and the reading of Outreach's answers, are
// here so the unit tests can check them (runtime/sinks/outreach_test.cpp).
//
// Each attempt (make_outreach_adapter, outreach.cpp):
//   1. the prospect by the action's contact email (GET /prospects with
//      filter[emails]); not found -> created (POST /prospects) when the sink's
//      create_prospects is set, else the DLQ;
//   2. the sequence: a numeric `sequence` argument is its id, a name is looked
//      up (GET /sequences with filter[name], cached per sink); none -> the DLQ;
//   3. exactly once: GET /sequenceStates with filter[prospect][id] and
//      filter[sequence][id]: any state found (whatever its state) means the
//      prospect is or was in the sequence -- an earlier attempt enrolled it
//      (a crash between Outreach's 2xx and playd's record) or someone did:
//      sent, no second enrollment;
//   4. the mailbox of the rep (the `rep` argument, else the sink's
//      default_mailbox; GET /mailboxes with filter[email], cached); none ->
//      the DLQ;
//   5. POST /sequenceStates with the prospect, sequence and mailbox
//      relationships. A 422 saying the prospect is already in the sequence
//      counts as sent too.
#pragma once

#include <string>

namespace play::sinks {

inline constexpr const char* kJsonApi = "application/vnd.api+json";

// The lookups (BASE is the sink's base_url without trailing slashes). Each
// asks for one resource with one attribute (a sparse fieldset): Outreach's
// full resources are larger than the 4 KB of an answer playd keeps.
std::string outreach_prospect_url(const std::string& base, const std::string& email);
std::string outreach_sequence_url(const std::string& base, const std::string& name);
std::string outreach_mailbox_url(const std::string& base, const std::string& email);
std::string outreach_state_url(const std::string& base, const std::string& prospect_id,
                               const std::string& sequence_id);

// POST /prospects: {"data":{"type":"prospect","attributes":{"emails":[EMAIL]}}}.
std::string outreach_prospect_body(const std::string& email);
// POST /sequenceStates: the three relationships. Ids are sent as JSON numbers
// (Outreach's ids are integers), a non-numeric id as a string.
std::string outreach_sequence_state_body(const std::string& prospect_id, const std::string& sequence_id,
                                         const std::string& mailbox_id);

// The id of `data` (a resource, or the first of a collection; "" for an empty
// collection) and, when `state` is given, its attributes.state. False when the
// answer is not a JSON:API document (cut short, or not JSON).
bool outreach_data_id(const std::string& body, std::string& id, std::string* state = nullptr);
// errors[].detail (else title) of an error answer, joined by "; " ("" when none).
std::string outreach_error_details(const std::string& body);
// A 422 answer to POST /sequenceStates saying the prospect is already in the
// sequence ("already exists", "is already in", "already been added", ...).
bool outreach_already_enrolled(const std::string& body);

}  // namespace play::sinks
