#include "common/api/etag.h"

#include <cctype>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/base/fingerprint.h"
#include "gtest/gtest.h"
#include "kam/account/v1/account.pb.h"

namespace kam::common {
namespace {

bool IsLowerHex16(absl::string_view text) {
  if (text.size() != 16) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(MakeEtagTest, IsSixteenHexDigits) {
  EXPECT_TRUE(IsLowerHex16(MakeEtag("accounts/42", 1)));
  EXPECT_TRUE(IsLowerHex16(MakeEtag("", 0)));
  EXPECT_TRUE(IsLowerHex16(MakeEtag("accounts/42", INT64_MIN)));
}

TEST(MakeEtagTest, IsFingerprintOfNameAndDecimalVersion) {
  EXPECT_EQ(MakeEtag("accounts/42", 7), FingerprintHex(Fingerprint64({"accounts/42", "7"})));
  EXPECT_EQ(MakeEtag("accounts/42", -3), FingerprintHex(Fingerprint64({"accounts/42", "-3"})));
  EXPECT_EQ(MakeEtag("accounts/1", INT64_MAX),
            FingerprintHex(Fingerprint64({"accounts/1", "9223372036854775807"})));
}

TEST(MakeEtagTest, IsDeterministic) {
  EXPECT_EQ(MakeEtag("accounts/42/contacts/7", 3), MakeEtag("accounts/42/contacts/7", 3));
}

TEST(MakeEtagTest, ChangesWithVersion) {
  EXPECT_NE(MakeEtag("accounts/42", 1), MakeEtag("accounts/42", 2));
  EXPECT_NE(MakeEtag("accounts/42", 0), MakeEtag("accounts/42", 1));
}

TEST(MakeEtagTest, DiffersBetweenResources) {
  EXPECT_NE(MakeEtag("accounts/42", 1), MakeEtag("accounts/43", 1));
  // Length-delimited: "accounts/4" + "21" must not collide with
  // "accounts/42" + "1".
  EXPECT_NE(MakeEtag("accounts/4", 21), MakeEtag("accounts/42", 1));
}

TEST(CheckEtagTest, EmptyEtagSkipsTheCheck) { EXPECT_TRUE(CheckEtag("accounts/42", 5, "").ok()); }

TEST(CheckEtagTest, CurrentEtagIsAccepted) {
  EXPECT_TRUE(CheckEtag("accounts/42", 5, MakeEtag("accounts/42", 5)).ok());
}

TEST(CheckEtagTest, StaleEtagIsAbortedAndNamesTheResource) {
  const absl::Status status = CheckEtag("accounts/42", 6, MakeEtag("accounts/42", 5));
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(),
            "etag does not match the current version of accounts/42; read it "
            "again and retry");
}

TEST(CheckEtagTest, EtagOfAnotherResourceIsAborted) {
  const absl::Status status = CheckEtag("accounts/42", 5, MakeEtag("accounts/43", 5));
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(absl::StrContains(status.message(), "accounts/42")) << status;
}

TEST(CheckEtagTest, GarbageEtagIsAbortedNotInvalidArgument) {
  for (const char* garbage :
       {"x", "not-an-etag", "\xff\xfe", " ", "0000000000000000", "FFFFFFFFFFFFFFFF"}) {
    const absl::Status status = CheckEtag("accounts/42", 5, garbage);
    EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << garbage;
    EXPECT_TRUE(absl::StrContains(status.message(), "read it again and retry")) << status;
  }
}

TEST(CheckEtagTest, UpperCaseOrPaddedCopyOfCurrentEtagIsAborted) {
  std::string etag = MakeEtag("accounts/42", 5);
  std::string upper = etag;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (upper != etag) {
    EXPECT_EQ(CheckEtag("accounts/42", 5, upper).code(), absl::StatusCode::kAborted);
  }
  EXPECT_EQ(CheckEtag("accounts/42", 5, etag + " ").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(CheckEtag("accounts/42", 5, "\"" + etag + "\"").code(), absl::StatusCode::kAborted);
}

TEST(StampTest, CreateThenWriteMoveVersionTimeAndEtag) {
  account::v1::Account account;
  account.set_name("accounts/7");
  int64_t version = 0;
  const absl::Time created = absl::FromUnixSeconds(1'700'000'000);
  StampCreate(&version, &account, created);
  EXPECT_EQ(version, 1);
  EXPECT_EQ(account.create_time().seconds(), 1'700'000'000);
  EXPECT_EQ(account.update_time().seconds(), 1'700'000'000);
  EXPECT_EQ(account.etag(), MakeEtag("accounts/7", 1));
  StampWrite(&version, &account, created + absl::Seconds(5));
  EXPECT_EQ(version, 2);
  EXPECT_EQ(account.create_time().seconds(), 1'700'000'000);
  EXPECT_EQ(account.update_time().seconds(), 1'700'000'005);
  EXPECT_EQ(account.etag(), MakeEtag("accounts/7", 2));
  EXPECT_TRUE(CheckEtag("accounts/7", 2, account.etag()).ok());
  EXPECT_EQ(CheckEtag("accounts/7", 2, MakeEtag("accounts/7", 1)).code(),
            absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace kam::common
