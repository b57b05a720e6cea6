#include "common/auth/token_cache.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/jwt_codec.h"
#include "gtest/gtest.h"

namespace kam::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1796600000);

Principal Named(const std::string& subject) {
  Principal principal;
  principal.subject = subject;
  principal.roles = {"analyst"};
  principal.expires = kNow + absl::Hours(1);
  return principal;
}

TEST(TokenCacheTest, AnswersUntilValidUntilAndForItsGenerationOnly) {
  TokenCache cache(100);
  const std::string digest = Sha256("token");
  cache.Insert(digest, 1, kNow, kNow + absl::Minutes(1), Named("alice"));
  ASSERT_TRUE(cache.Find(digest, 1, kNow).has_value());
  EXPECT_EQ(cache.Find(digest, 1, kNow)->subject, "alice");
  EXPECT_FALSE(cache.Find(Sha256("other"), 1, kNow).has_value());

  EXPECT_FALSE(cache.Find(digest, 1, kNow + absl::Minutes(1)).has_value());
  EXPECT_EQ(cache.size(), 0u);  // a stale entry is dropped when found

  cache.Insert(digest, 1, kNow, kNow + absl::Minutes(1), Named("alice"));
  EXPECT_FALSE(cache.Find(digest, 2, kNow).has_value());  // keys reloaded since
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCacheTest, StaysWithinItsCapacity) {
  TokenCache cache(160);
  for (int i = 0; i < 5000; ++i) {
    cache.Insert(Sha256(absl::StrCat("token ", i)), 1, kNow, kNow + absl::Hours(1),
                 Named(absl::StrCat("user ", i)));
    ASSERT_LE(cache.size(), 160u);
  }
  EXPECT_GE(cache.size(), 100u);
  const std::string last = Sha256("token 4999");
  EXPECT_EQ(cache.Find(last, 1, kNow)->subject, "user 4999");  // the newest is kept
}

TEST(TokenCacheTest, MakesRoomFromExpiredEntriesFirst) {
  TokenCache cache(16);  // one entry per shard
  for (int i = 0; i < 200; ++i) {
    cache.Insert(Sha256(absl::StrCat("token ", i)), 1, kNow + absl::Minutes(i),
                 kNow + absl::Minutes(i) + absl::Seconds(30), Named("x"));
  }
  EXPECT_LE(cache.size(), 16u);
}

TEST(TokenCacheTest, ZeroCapacityCachesNothing) {
  TokenCache cache(0);
  cache.Insert(Sha256("token"), 1, kNow, kNow + absl::Hours(1), Named("alice"));
  EXPECT_FALSE(cache.Find(Sha256("token"), 1, kNow).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace kam::auth
