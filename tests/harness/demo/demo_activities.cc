// The activity part of the demo: visits and meetings at both levels over the
// last months, one visit planned, a follow-up due next week and one overdue
// (Merchants Bank), Baoshan Steel last visited 100 days ago (overdue only
// while its tier has a visit cadence: the demo's rating run makes it D,
// which has none), and contact records.
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/harness/demo/demo_book.h"

namespace kam::testing::demo {
namespace {

struct DemoActivity {
  const char* id;  // the request_id's suffix: never change it once shipped
  const char* account;
  iv1::ActivityKind kind;
  iv1::ActivityLevel level;
  const char* subject;
  std::vector<const char*> contacts;
  std::vector<const char*> team;
  int days_ago;  // DONE when > 0, else PLANNED that many days ahead
  const char* outcome;
  int follow_up_days_ago;  // 0: no follow-up
  int64_t cost_yuan;
};

const std::vector<DemoActivity>& Activities() {
  using iv1::ACTIVITY_LEVEL_ACCOUNT_MANAGER;
  using iv1::ACTIVITY_LEVEL_EXECUTIVE;
  static const std::vector<DemoActivity> activities = {
      {"hx-forum",
       "HX-GROUP",
       iv1::ACTIVITY_KIND_FORUM,
       ACTIVITY_LEVEL_EXECUTIVE,
       "Yearly key-account forum",
       {"Li Wei"},
       {"exec.sun", "am.liu"},
       75,
       "Li Wei asked for a 5G private network roadmap",
       0,
       20000},
      {"hx-exec-visit",
       "HX-GROUP",
       iv1::ACTIVITY_KIND_VISIT,
       ACTIVITY_LEVEL_EXECUTIVE,
       "CEO visit: joint 5G programme",
       {"Li Wei", "Zhang Min"},
       {"exec.sun", "am.liu"},
       40,
       "Programme signed; quarterly steering meetings agreed",
       0,
       8000},
      {"hx-care",
       "HX-GROUP",
       iv1::ACTIVITY_KIND_CARE,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Mid-Autumn greetings",
       {"Li Wei", "Zhang Min", "Chen Jie"},
       {"am.liu"},
       30,
       "",
       0,
       1500},
      {"hx-review",
       "HX-GROUP",
       iv1::ACTIVITY_KIND_MEETING,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Core network capacity review",
       {"Chen Jie", "Zhang Min"},
       {"am.liu", "tech.huang"},
       12,
       "Capacity upgrade needed in Guangdong; send a proposal",
       -5,
       0},
      {"hx-next-visit",
       "HX-GROUP",
       iv1::ACTIVITY_KIND_VISIT,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Present the capacity upgrade proposal",
       {"Chen Jie"},
       {"am.liu", "tech.huang"},
       -7,
       "",
       0,
       0},
      {"gd-visit",
       "HX-GD",
       iv1::ACTIVITY_KIND_VISIT,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Guangdong branch quarterly visit",
       {},
       {"am.liu"},
       25,
       "Fault rate down since the upgrade",
       0,
       600},
      {"bs-visit",
       "BS-STEEL",
       iv1::ACTIVITY_KIND_VISIT,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Pilot line review",
       {"Wang Fang"},
       {"am.zhou"},
       100,
       "Pilot accepted; wants a second line",
       0,
       900},
      {"bs-training",
       "BS-STEEL",
       iv1::ACTIVITY_KIND_TRAINING,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Operator training for the pilot line",
       {"Wang Fang"},
       {"tech.huang"},
       95,
       "",
       0,
       4000},
      {"cm-call",
       "CM-BANK",
       iv1::ACTIVITY_KIND_CALL,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "Branch refit: schedule check",
       {"Zhao Lei"},
       {"am.qian"},
       20,
       "Two branches delayed; call back with new dates",
       6,
       0},
      {"nx-meeting",
       "NX-ROBOT",
       iv1::ACTIVITY_KIND_MEETING,
       ACTIVITY_LEVEL_ACCOUNT_MANAGER,
       "First meeting: factory network",
       {},
       {"am.zhou"},
       15,
       "Interested; RFP expected",
       0,
       300},
  };
  return activities;
}

struct DemoRecordEntry {
  const char* id;
  const char* account;
  const char* text;
};

const std::vector<DemoRecordEntry>& RecordEntries() {
  static const std::vector<DemoRecordEntry> entries = {
      {"hx-1", "HX-GROUP", "Li Wei prefers a short written summary before every steering meeting."},
      {"hx-2", "HX-GROUP", "Procurement (Zhang Min) runs a yearly tender in March."},
      {"cm-1", "CM-BANK", "Account manager handed over from am.liu to am.qian."},
      {"bs-1", "BS-STEEL", "Only one contact known (Wang Fang): find the purchasing lead."},
  };
  return entries;
}

// The create request of `demo`: done `days_ago` days ago, or planned when
// that is not in the past.
iv1::CreateActivityRequest ActivityRequest(const DemoActivity& demo, const DemoBook& book,
                                           const DemoClock& clock) {
  iv1::CreateActivityRequest request;
  iv1::Activity* a = request.mutable_activity();
  a->set_account(book.Account(demo.account));
  a->set_kind(demo.kind);
  a->set_level(demo.level);
  a->set_subject(demo.subject);
  for (const char* contact : demo.contacts) a->add_contacts(book.Contact(contact));
  for (const char* member : demo.team) a->add_team_members(member);
  if (demo.days_ago > 0) {
    a->set_status(iv1::ACTIVITY_STATUS_DONE);
    *a->mutable_actual_time() = clock.DaysAgo(demo.days_ago);
  } else {
    a->set_status(iv1::ACTIVITY_STATUS_PLANNED);
    *a->mutable_planned_time() = clock.DaysAgo(demo.days_ago);
  }
  a->set_outcome(demo.outcome);
  if (demo.follow_up_days_ago != 0) {
    *a->mutable_next_follow_up_time() = clock.DaysAgo(demo.follow_up_days_ago);
  }
  if (demo.cost_yuan > 0) *a->mutable_cost() = Yuan(demo.cost_yuan);
  return request;
}

}  // namespace

void LoadActivities(DemoClient& client, const DemoBook& book, const DemoClock& clock) {
  for (const DemoActivity& demo : Activities()) {
    iv1::CreateActivityRequest request = ActivityRequest(demo, book, clock);
    iv1::Activity created;
    client.Create(client.activities(), &iv1::ActivityService::Stub::CreateActivity, "activity",
                  demo.id, request, &created);
  }
  for (const DemoRecordEntry& demo : RecordEntries()) {
    iv1::AppendContactRecordEntryRequest request;
    request.set_request_id(absl::StrCat("demo-record-", demo.id));
    request.set_account(book.Account(demo.account));
    request.set_text(demo.text);
    iv1::AppendContactRecordEntryResponse response;
    client.Call(client.activities(), &iv1::ActivityService::Stub::AppendContactRecordEntry, request,
                &response, absl::StrCat("append contact record entry ", demo.id));
  }
}

}  // namespace kam::testing::demo
