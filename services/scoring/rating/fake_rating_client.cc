#include "services/scoring/rating/fake_rating_client.h"

#include "services/scoring/names.h"

namespace kam::scoring::rating {
namespace {

// A pass over a copy of the accounts taken when it opened.
class FakeCursor final : public AccountFactsCursor {
 public:
  explicit FakeCursor(
      std::vector<std::pair<account::v1::AccountSnapshot, interaction::v1::AccountFacts>> entries)
      : entries_(std::move(entries)) {}

  bool Next(const account::v1::AccountSnapshot** account,
            const interaction::v1::AccountFacts** facts) override {
    if (cancelled_ || next_ >= entries_.size()) return false;
    *account = &entries_[next_].first;
    *facts = &entries_[next_].second;
    ++next_;
    return true;
  }
  absl::Status status() const override { return absl::OkStatus(); }
  void Cancel() override { cancelled_ = true; }

 private:
  std::vector<std::pair<account::v1::AccountSnapshot, interaction::v1::AccountFacts>> entries_;
  size_t next_ = 0;
  bool cancelled_ = false;
};

}  // namespace

void FakeRatingClient::Put(account::v1::AccountSnapshot snapshot,
                           interaction::v1::AccountFacts facts) {
  absl::MutexLock lock(&mu_);
  const int64_t id = AccountIdOf(snapshot.name());
  accounts_[id] = {std::move(snapshot), std::move(facts)};
}

void FakeRatingClient::SetAccountServiceDown(bool down) {
  absl::MutexLock lock(&mu_);
  account_down_ = down;
}

std::vector<account::v1::SetAccountTiersRequest> FakeRatingClient::published() const {
  absl::MutexLock lock(&mu_);
  return published_;
}

int FakeRatingClient::publish_attempts() const {
  absl::MutexLock lock(&mu_);
  return publish_attempts_;
}

std::unique_ptr<AccountFactsCursor> FakeRatingClient::OpenPass(absl::Time, absl::Time) {
  absl::MutexLock lock(&mu_);
  std::vector<Entry> entries;
  for (const auto& [id, entry] : accounts_) entries.push_back(entry);
  return std::make_unique<FakeCursor>(std::move(entries));
}

absl::Status FakeRatingClient::PublishTiers(const account::v1::SetAccountTiersRequest& request) {
  absl::MutexLock lock(&mu_);
  ++publish_attempts_;
  if (account_down_) {
    return absl::UnavailableError("account service unavailable: connection refused");
  }
  published_.push_back(request);
  return absl::OkStatus();
}

}  // namespace kam::scoring::rating
