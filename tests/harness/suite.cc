#include "tests/harness/suite.h"

#include <sys/stat.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kam::testing {
namespace {

namespace fs = std::filesystem;

std::string RandomPassword() {
  static const char kAlphabet[] =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device device;
  std::string password;
  for (int i = 0; i < 24; ++i) password.push_back(kAlphabet[device() % (sizeof(kAlphabet) - 1)]);
  return password;
}

// The password in <dir>/<name>, created on first use (mode 0600).
absl::StatusOr<std::string> StoredPassword(const std::string& dir, const std::string& name) {
  std::error_code error;
  fs::create_directories(dir, error);
  chmod(dir.c_str(), 0700);
  const std::string path = absl::StrCat(dir, "/", name);
  {
    std::ifstream in(path);
    std::string password;
    if (in && std::getline(in, password) && !password.empty()) return password;
  }
  const std::string password = RandomPassword();
  std::ofstream out(path, std::ios::trunc);
  out << password << "\n";
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  out.close();
  chmod(path.c_str(), 0600);
  return password;
}

std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const std::string& l : last) absl::StrAppend(&out, l, "\n");
  return out;
}

}  // namespace

std::string BuildDir() {
  if (const char* dir = std::getenv("KAM_BUILD_DIR"); dir != nullptr && *dir != '\0') return dir;
  return KAM_BUILD_DIR;
}

absl::StatusOr<std::unique_ptr<LocalSuite>> LocalSuite::Start(Options options) {
  std::unique_ptr<LocalSuite> suite(new LocalSuite());
  suite->options_ = options;
  if (options.data_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp", "/kam-suite-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) return absl::InternalError("mkdtemp failed");
    suite->data_dir_ = pattern;
    suite->temporary_ = true;
  } else {
    suite->data_dir_ = fs::absolute(options.data_dir).string();
    std::error_code error;
    fs::create_directories(suite->data_dir_, error);
  }
  MariaDbServer::Options db_options;
  db_options.data_dir = absl::StrCat(suite->data_dir_, "/mariadb");
  db_options.port = options.db_port;
  absl::StatusOr<std::unique_ptr<MariaDbServer>> db = MariaDbServer::Start(db_options);
  if (!db.ok()) return db.status();
  suite->db_ = *std::move(db);

  absl::StatusOr<std::string> password =
      StoredPassword(absl::StrCat(suite->data_dir_, "/secrets"), "kam_account");
  if (!password.ok()) return password.status();
  suite->account_password_ = *password;
  if (absl::Status s = suite->db_->CreateServiceDatabase("kam_account", "kam_account", *password);
      !s.ok()) {
    return s;
  }
  suite->account_port_ = options.account_port != 0 ? options.account_port : PickFreePort();
  if (absl::Status s = suite->StartAccount(); !s.ok()) return s;
  return suite;
}

LocalSuite::~LocalSuite() {
  account_.reset();  // services first: they hold connections to the database
  db_.reset();
  if (temporary_) {
    std::error_code error;
    fs::remove_all(data_dir_, error);
  }
}

std::string LocalSuite::account_address() const {
  return absl::StrCat("127.0.0.1:", account_port_);
}

std::string LocalSuite::account_log_path() const {
  return absl::StrCat(data_dir_, "/kam-account.log");
}

absl::Status LocalSuite::StartAccount(bool wait_for_serving) {
  ServiceProcess::Options process;
  process.binary = absl::StrCat(BuildDir(), "/services/account/kam-account");
  // KAM_ACCOUNT_WRAPPER runs the service under a tool, e.g.
  // "valgrind --tool=callgrind" for an instruction profile.
  if (const char* wrapper = std::getenv("KAM_ACCOUNT_WRAPPER"); wrapper != nullptr && *wrapper) {
    std::vector<std::string> words = absl::StrSplit(wrapper, ' ', absl::SkipEmpty());
    process.args.assign(words.begin() + 1, words.end());
    process.args.push_back(process.binary);
    process.binary = words[0];
  }
  for (std::string arg : {absl::StrCat("--listen=", account_address()),
                          absl::StrCat("--db_port=", db_->port()), std::string("--db_host=127.0.0.1")}) {
    process.args.push_back(std::move(arg));
  }
  for (const std::string& arg : options_.account_args) process.args.push_back(arg);
  process.env["KAM_ACCOUNT_DB_PASSWORD"] = account_password_;
  process.log_path = account_log_path();
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::Start(process);
  if (!started.ok()) return started.status();
  account_ = *std::move(started);
  if (!wait_for_serving) return absl::OkStatus();
  absl::Status serving = account_->WaitForServing(account_address());
  if (!serving.ok()) {
    return absl::Status(serving.code(), absl::StrCat(serving.message(), "\nkam-account log:\n",
                                                     AccountLogTail()));
  }
  return absl::OkStatus();
}

absl::Status LocalSuite::StopAccount() {
  if (account_ == nullptr) return absl::OkStatus();
  absl::StatusOr<int> status = account_->Stop();
  account_.reset();
  return status.status();
}

absl::Status LocalSuite::KillAccount() {
  if (account_ == nullptr) return absl::OkStatus();
  absl::Status status = account_->Kill();
  account_.reset();
  return status;
}

std::string LocalSuite::AccountLogTail(int lines) const { return Tail(account_log_path(), lines); }

}  // namespace kam::testing
