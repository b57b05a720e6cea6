#include "tests/harness/suite.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
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

namespace {

std::string Upper(const std::string& name) {
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalSuite>> LocalSuite::Start(Options options) {
  std::unique_ptr<LocalSuite> suite(new LocalSuite());
  if (options.account_port != 0) options.ports["account"] = options.account_port;
  if (!options.account_args.empty()) {
    std::vector<std::string>& args = options.args["account"];
    args.insert(args.end(), options.account_args.begin(), options.account_args.end());
  }
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
  if (options.secured) {
    absl::StatusOr<SuiteSecurity> security = PrepareSuiteSecurity(suite->data_dir_);
    if (!security.ok()) return security.status();
    suite->security_ = *std::move(security);
    suite->security_->tls = options.tls;
  }
  MariaDbServer::Options db_options;
  db_options.data_dir = absl::StrCat(suite->data_dir_, "/mariadb");
  db_options.port = options.db_port;
  if (suite->security_) db_options.tls = suite->security_->DatabaseTls();
  // MariaDB's on-disk temporary tables go to a folder of the suite's own:
  // their names (from mariadbd's pid) can collide with another server's in
  // a shared /tmp, and a large GROUP BY then fails.
  const std::string db_tmp = absl::StrCat(suite->data_dir_, "/mariadb-tmp");
  std::error_code tmp_error;
  fs::create_directories(db_tmp, tmp_error);
  if (tmp_error) return absl::InternalError(absl::StrCat("cannot create ", db_tmp));
  db_options.extra_args = {absl::StrCat("--tmpdir=", db_tmp)};
  db_options.extra_args.insert(db_options.extra_args.end(), options.db_args.begin(),
                               options.db_args.end());
  absl::StatusOr<std::unique_ptr<MariaDbServer>> db = MariaDbServer::Start(db_options);
  if (!db.ok()) return db.status();
  suite->db_ = *std::move(db);

  // Known services in dependency order; only the requested ones start.
  for (const std::string& name : AllServices()) {
    if (std::find(options.services.begin(), options.services.end(), name) ==
        options.services.end()) {
      continue;
    }
    const std::string schema = absl::StrCat("kam_", name);
    absl::StatusOr<std::string> password =
        StoredPassword(absl::StrCat(suite->data_dir_, "/secrets"), schema);
    if (!password.ok()) return password.status();
    if (absl::Status s = suite->db_->CreateServiceDatabase(schema, schema, *password); !s.ok()) {
      return s;
    }
    Service& service = suite->services_[name];
    service.password = *password;
    auto port = options.ports.find(name);
    service.port = port != options.ports.end() && port->second != 0 ? port->second : PickFreePort();
    if (suite->security_) service.args = suite->security_->ServiceFlags(name, suite->data_dir_);
    const std::vector<std::string>& extra = options.args[name];
    service.args.insert(service.args.end(), extra.begin(), extra.end());
    suite->order_.push_back(name);
  }
  for (const std::string& name : suite->order_) {
    if (absl::Status s = suite->StartService(name); !s.ok()) return s;
  }
  return suite;
}

LocalSuite::~LocalSuite() {
  // Services first, dependents before what they depend on; then MariaDB.
  for (auto it = order_.rbegin(); it != order_.rend(); ++it) services_[*it].process.reset();
  db_.reset();
  if (temporary_) {
    std::error_code error;
    fs::remove_all(data_dir_, error);
  }
}

const LocalSuite::Service& LocalSuite::service(const std::string& name) const {
  static const Service kNone;
  auto it = services_.find(name);
  return it == services_.end() ? kNone : it->second;
}

std::string LocalSuite::address(const std::string& name) const {
  return absl::StrCat("127.0.0.1:", service(name).port);
}

std::string LocalSuite::log_path(const std::string& name) const {
  return absl::StrCat(data_dir_, "/kam-", name, ".log");
}

pid_t LocalSuite::pid(const std::string& name) const {
  const Service& s = service(name);
  return s.process != nullptr && s.process->Running() ? s.process->pid() : -1;
}

const std::string& LocalSuite::db_password(const std::string& name) const {
  return service(name).password;
}

ServiceProcess::Options LocalSuite::ProcessOptions(const std::string& name,
                                                   const std::string& address,
                                                   const std::string& log) const {
  const Service& service = this->service(name);
  ServiceProcess::Options process;
  process.binary = absl::StrCat(BuildDir(), "/services/", name, "/kam-", name);
  // KAM_<SERVICE>_WRAPPER runs the service under a tool, e.g.
  // "valgrind --tool=callgrind" for an instruction profile.
  const std::string prefix = absl::StrCat("KAM_", Upper(name));
  const std::string wrapper_variable = absl::StrCat(prefix, "_WRAPPER");
  if (const char* wrapper = std::getenv(wrapper_variable.c_str()); wrapper != nullptr && *wrapper) {
    std::vector<std::string> words = absl::StrSplit(wrapper, ' ', absl::SkipEmpty());
    process.args.assign(words.begin() + 1, words.end());
    process.args.push_back(process.binary);
    process.binary = words[0];
  }
  process.args.push_back(absl::StrCat("--listen=", address));
  process.args.push_back(absl::StrCat("--db_port=", db_->port()));
  process.args.push_back("--db_host=127.0.0.1");
  if (name != "account") {
    process.args.push_back(absl::StrCat("--account_service=", this->address("account")));
  }
  if (name == "scoring") {
    process.args.push_back(absl::StrCat("--interaction_service=", this->address("interaction")));
  }
  for (const std::string& arg : service.args) process.args.push_back(arg);
  process.env[absl::StrCat(prefix, "_DB_PASSWORD")] = service.password;
  process.log_path = log;
  return process;
}

absl::Status LocalSuite::WaitForServing(ServiceProcess& process, const std::string& name,
                                        const std::string& address, const std::string& log) const {
  absl::Status serving = process.WaitForServing(address, absl::Seconds(60), ca_file());
  if (serving.ok()) return serving;
  return absl::Status(serving.code(),
                      absl::StrCat(serving.message(), "\nkam-", name, " log:\n", Tail(log, 30)));
}

absl::Status LocalSuite::StartService(const std::string& name, bool wait_for_serving) {
  auto it = services_.find(name);
  if (it == services_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("service ", name, " is not in this suite"));
  }
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started =
      ServiceProcess::Start(ProcessOptions(name, address(name), log_path(name)));
  if (!started.ok()) return started.status();
  it->second.process = *std::move(started);
  if (!wait_for_serving) return absl::OkStatus();
  return WaitForServing(*it->second.process, name, address(name), log_path(name));
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> LocalSuite::StartReplica(
    const std::string& name, int port, const std::vector<std::string>& extra_args) {
  if (services_.count(name) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("service ", name, " is not in this suite"));
  }
  const std::string address = absl::StrCat("127.0.0.1:", port);
  const std::string log = absl::StrCat(data_dir_, "/kam-", name, "-", port, ".log");
  ServiceProcess::Options options = ProcessOptions(name, address, log);
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::Start(options);
  if (!started.ok()) return started.status();
  absl::Status serving = WaitForServing(**started, name, address, log);
  if (!serving.ok()) return serving;
  return started;
}

absl::Status LocalSuite::StopService(const std::string& name) {
  auto it = services_.find(name);
  if (it == services_.end() || it->second.process == nullptr) return absl::OkStatus();
  absl::StatusOr<int> status = it->second.process->Stop();
  it->second.process.reset();
  return status.status();
}

absl::Status LocalSuite::KillService(const std::string& name) {
  auto it = services_.find(name);
  if (it == services_.end() || it->second.process == nullptr) return absl::OkStatus();
  absl::Status status = it->second.process->Kill();
  it->second.process.reset();
  return status;
}

std::string LocalSuite::ca_file() const {
  return security_ && security_->tls ? security_->ca_file : "";
}

std::string LocalSuite::token(const std::string& role) const {
  if (!security_) return "";
  auto it = security_->tokens.find(role);
  return it == security_->tokens.end() ? "" : it->second;
}

std::shared_ptr<grpc::Channel> LocalSuite::Channel(const std::string& name) const {
  return grpc::CreateChannel(address(name), ClientCredentials(ca_file()));
}

std::string LocalSuite::LogTail(const std::string& name, int lines) const {
  return Tail(log_path(name), lines);
}

}  // namespace kam::testing
