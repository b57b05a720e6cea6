#include "services/interaction/contact_records/contact_record_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/proto_time.h"

namespace kam::interaction::contact_records {

std::string ContactRecordName(int64_t id) { return absl::StrCat("contactRecords/", id); }

std::string EntryName(int64_t record_id, int64_t seq) {
  return absl::StrCat(ContactRecordName(record_id), "/entries/", seq);
}

AppendedEntry MakeAppend(StoredContactRecord record, int64_t seq, const std::string& author,
                         const std::string& text, absl::Time now) {
  AppendedEntry appended;
  v1::ContactRecord& r = record.record;
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  if (seq == 1) {
    r.set_opened_by(author);
    *r.mutable_open_time() = now_proto;
  }
  r.set_entry_count(static_cast<int32_t>(seq));
  r.set_last_entry_by(author);
  *r.mutable_update_time() = now_proto;
  appended.record = std::move(record);
  appended.entry.record_id = appended.record.id;
  appended.entry.seq = seq;
  v1::ContactRecordEntry& e = appended.entry.entry;
  e.set_name(EntryName(appended.record.id, seq));
  e.set_author(author);
  *e.mutable_entry_time() = now_proto;
  e.set_text(text);
  appended.opened = seq == 1;
  return appended;
}

}  // namespace kam::interaction::contact_records
