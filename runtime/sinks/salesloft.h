// Salesloft's REST API v2 sink (adapter.h; make_salesloft_adapter in
// vendor.h), with an API key (Authorization: Bearer). An `enroll` action
// (args sequence: a cadence name or numeric id; rep: the user's email, or
// absent) becomes a cadence membership:
//   1. GET /v2/people?email_addresses[]=CONTACT -> the person; not found ->
//      POST /v2/people {"email_address": CONTACT} when the sink has
//      create_people = true, else the DLQ ("person not found");
//   2. the cadence: a numeric sequence is its id; a name -> GET
//      /v2/cadences?per_page=100&name[]=NAME, the record with exactly that name (cached
//      per sink); none -> the DLQ ("cadence not found");
//   3. the rep -> GET /v2/users?per_page=100&search=EMAIL, the user with exactly that
//      email (case-insensitive; cached per sink); none -> the DLQ ("user not
//      found"); no rep -> no user_id: Salesloft enrolls on behalf of the API
//      key's owner;
//   4. exactly once: GET /v2/cadence_memberships?person_id=P&cadence_id=C&
//      currently_on_cadence=true -- a membership currently on the cadence is
//      an earlier attempt's (or an earlier enrollment's) success: sent;
//   5. POST /v2/cadence_memberships?person_id=P&cadence_id=C[&user_id=U]
//      (query parameters, as Salesloft documents them). A 422 is checked
//      against step 4 once more (Salesloft refusing a person who is already
//      on the cadence): on it -> sent, else the DLQ with Salesloft's answer.
// Other action kinds: the DLQ ("not supported yet").
#pragma once

#include <string>

namespace play::sinks {

// The id of the first record of a list answer ({"data": [...]}) whose
// `field` equals `value` (case-insensitively when `fold_case`); "" when none.
std::string salesloft_find_id(const std::string& body, const std::string& field, const std::string& value,
                              bool fold_case);
// The id of a single-record answer ({"data": {"id": ...}}); "" when none.
std::string salesloft_data_id(const std::string& body);
// The id of the first membership of a list answer that is
// currently_on_cadence; "" when none.
std::string salesloft_current_membership(const std::string& body);
// POST /v2/people's body: the person's email, nothing else.
std::string salesloft_person_body(const std::string& email);
// BASE/v2/cadence_memberships?person_id=P&cadence_id=C[&user_id=U] (the
// create); `current_only` adds currently_on_cadence=true and drops user_id
// (the look-up).
std::string salesloft_memberships_url(const std::string& base, const std::string& person_id,
                                      const std::string& cadence_id, const std::string& user_id,
                                      bool current_only);

}  // namespace play::sinks
