#include "tests/harness/mariadb_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/harness/child_process.h"

extern char** environ;

namespace kam::testing {
namespace {

namespace fs = std::filesystem;

// Bump when the template's contents or the way it is made change; old
// templates are then simply ignored.
constexpr char kTemplateVersion[] = "v1";
// Written into the template; records which mariadbd initialised it so that an
// upgraded server gets a fresh template. Removed from every copy.
constexpr char kTemplateStampFile[] = "kam-template.stamp";
constexpr char kSocketName[] = "mysqld.sock";
constexpr char kErrorLogName[] = "error.log";
constexpr char kOutputLogName[] = "mariadbd.out";
constexpr char kPidFileName[] = "mariadbd.pid";
// SQL run through the command-line client (set-up statements) may not take
// longer than this.
constexpr absl::Duration kClientTimeout = absl::Minutes(5);

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string TempRoot() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string root = (tmpdir != nullptr && tmpdir[0] != '\0') ? tmpdir : "/tmp";
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// Finds an executable by name on $PATH, then in the sbin folders (mariadbd
// lives in /usr/sbin, which is often not on a normal user's PATH).
absl::StatusOr<std::string> FindBinary(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    dirs = absl::StrSplit(path, ':', absl::SkipEmpty());
  }
  for (const char* dir : {"/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin",
                          "/bin"}) {
    dirs.emplace_back(dir);
  }
  for (const std::string& dir : dirs) {
    std::string candidate = absl::StrCat(dir, "/", name);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return absl::NotFoundError(absl::StrCat("cannot find the program '", name,
                                          "' on PATH or in the sbin folders; is MariaDB installed?"));
}

// The parent's environment without MYSQL_* / MARIADB_* variables, which the
// client and the server would otherwise honour (MYSQL_PWD, MYSQL_HOST,
// MYSQL_TCP_PORT, MYSQL_UNIX_PORT, ...). --no-defaults does not cover them.
std::vector<std::string> CleanEnvironment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    absl::string_view var(*entry);
    if (absl::StartsWith(var, "MYSQL_") || absl::StartsWith(var, "MARIADB_")) continue;
    env.emplace_back(var);
  }
  return env;
}

// fork + exec of `path` (a full path) with stdin/stdout/stderr connected to
// the given descriptors (-1: /dev/null). The child dies with the thread that
// forked it (PR_SET_PDEATHSIG). Fails if the program cannot be executed.
absl::StatusOr<pid_t> Spawn(const std::string& path, const std::vector<std::string>& args,
                            int stdin_fd, int stdout_fd, int stderr_fd) {
  // Everything the child needs is prepared here: between fork and exec only
  // async-signal-safe calls are allowed (the parent may have other threads).
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const std::vector<std::string> env = CleanEnvironment();
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (const std::string& var : env) envp.push_back(const_cast<char*>(var.c_str()));
  envp.push_back(nullptr);

  Fd dev_null(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!dev_null.valid()) return ErrnoStatus(errno, "open /dev/null");
  const int fds[3] = {stdin_fd >= 0 ? stdin_fd : dev_null.get(),
                      stdout_fd >= 0 ? stdout_fd : dev_null.get(),
                      stderr_fd >= 0 ? stderr_fd : dev_null.get()};

  // The child reports a failed exec through this pipe; a successful exec
  // closes it (O_CLOEXEC), so the parent reads EOF.
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe2");
  Fd exec_read(exec_pipe[0]);
  Fd exec_write(exec_pipe[1]);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return ErrnoStatus(errno, "fork");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    // Descriptors 0-2 must not be clobbered before they are copied.
    int moved[3];
    for (int i = 0; i < 3; ++i) {
      moved[i] = fds[i] < 3 ? fcntl(fds[i], F_DUPFD_CLOEXEC, 3) : fds[i];
    }
    for (int i = 0; i < 3; ++i) {
      if (moved[i] < 0 || dup2(moved[i], i) < 0) {
        const int err = errno;
        (void)!write(exec_write.get(), &err, sizeof(err));
        _exit(127);
      }
    }
    // Nothing else the parent has open leaks into the child.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    // Signal state is inherited across exec: give the program a clean one.
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, nullptr);
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD}) signal(sig, SIG_DFL);
    execve(path.c_str(), argv.data(), envp.data());
    const int err = errno;
    (void)!write(exec_write.get(), &err, sizeof(err));
    _exit(127);
  }
  exec_write.Reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(exec_read.get(), &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return ErrnoStatus(child_errno, absl::StrCat("cannot execute ", path));
  }
  return pid;
}

absl::StatusOr<std::string> ReadAll(int fd) {
  if (lseek(fd, 0, SEEK_SET) < 0) return ErrnoStatus(errno, "lseek");
  std::string out;
  char buffer[8192];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read");
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

absl::StatusOr<Fd> MemFile(const char* name, absl::string_view contents) {
  Fd fd(memfd_create(name, MFD_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "memfd_create");
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write");
    }
    done += static_cast<size_t>(n);
  }
  if (lseek(fd.get(), 0, SEEK_SET) < 0) return ErrnoStatus(errno, "lseek");
  return fd;
}

struct CommandResult {
  int status = 0;  // as waitpid reports it
  std::string out;
  std::string err;
  bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// Runs a program to completion with `input` on stdin, capturing its output
// (in memory files: no pipes, so no deadlock and no SIGPIPE). Killed after
// `timeout`.
absl::StatusOr<CommandResult> RunCommand(const std::string& path,
                                         const std::vector<std::string>& args,
                                         absl::string_view input, absl::Duration timeout) {
  absl::StatusOr<Fd> in = MemFile("kam-stdin", input);
  if (!in.ok()) return in.status();
  absl::StatusOr<Fd> out = MemFile("kam-stdout", "");
  if (!out.ok()) return out.status();
  absl::StatusOr<Fd> err = MemFile("kam-stderr", "");
  if (!err.ok()) return err.status();
  absl::StatusOr<pid_t> pid = Spawn(path, args, in->get(), out->get(), err->get());
  if (!pid.ok()) return pid.status();
  CommandResult result;
  if (std::optional<int> status = WaitForChild(*pid, timeout); status.has_value()) {
    result.status = *status;
  } else {
    kill(*pid, SIGKILL);
    WaitForChildBlocking(*pid);
    return absl::DeadlineExceededError(absl::StrCat(
        absl::StrJoin(args, " "), " did not finish within ", absl::FormatDuration(timeout)));
  }
  absl::StatusOr<std::string> out_text = ReadAll(out->get());
  if (!out_text.ok()) return out_text.status();
  absl::StatusOr<std::string> err_text = ReadAll(err->get());
  if (!err_text.ok()) return err_text.status();
  result.out = *std::move(out_text);
  result.err = *std::move(err_text);
  return result;
}

off_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

// The last `count` lines of a (log) file after byte `from`; "" if it cannot
// be read.
std::string TailOfFile(const std::string& path, int count, off_t from = 0) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return "";
  const off_t size = lseek(fd.get(), 0, SEEK_END);
  const off_t start = std::max<off_t>(from, size - 64 * 1024);
  if (size < 0 || lseek(fd.get(), start, SEEK_SET) < 0) return "";
  std::string text;
  char buffer[8192];
  ssize_t n;
  while ((n = read(fd.get(), buffer, sizeof(buffer))) > 0) {
    text.append(buffer, static_cast<size_t>(n));
  }
  std::deque<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > count) lines.pop_front();
  }
  return absl::StrJoin(lines, "\n");
}

// Takes a flock() on a file for the lifetime of the object.
class FileLock {
 public:
  static absl::StatusOr<FileLock> Acquire(const std::string& path, int operation) {
    FileLock lock;
    lock.fd_ = Fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock.fd_.valid()) return ErrnoStatus(errno, absl::StrCat("open ", path));
    while (flock(lock.fd_.get(), operation) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, absl::StrCat("flock ", path));
    }
    return lock;
  }

 private:
  Fd fd_;  // closing it releases the lock
};

// Identifies the installed server binary, so that an upgrade makes a new
// template.
absl::StatusOr<std::string> ServerStamp(const std::string& mariadbd) {
  std::error_code ec;
  const std::string real_path = fs::canonical(mariadbd, ec).string();
  struct stat st;
  if (ec || stat(real_path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot stat ", mariadbd));
  }
  return absl::StrCat(kTemplateVersion, " ", real_path, " size=", st.st_size,
                      " mtime=", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec, "\n");
}

bool TemplateIsCurrent(const std::string& dir, const std::string& stamp) {
  Fd fd(open((dir + "/" + kTemplateStampFile).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  absl::StatusOr<std::string> contents = ReadAll(fd.get());
  return contents.ok() && *contents == stamp;
}

// Runs mariadb-install-db into a fresh folder next to the template and
// renames it into place. Called with the exclusive lock held.
absl::Status BuildTemplate(const std::string& template_dir, const std::string& stamp) {
  absl::StatusOr<std::string> install_db = FindBinary("mariadb-install-db");
  if (!install_db.ok()) return install_db.status();

  const fs::path parent = fs::path(template_dir).parent_path();
  const std::string base = fs::path(template_dir).filename().string();
  std::error_code ec;
  // Leftovers of builds that crashed (nobody else builds: we hold the lock),
  // and an outdated template.
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, base + ".tmp-") || absl::StartsWith(name, base + ".old-")) {
      fs::remove_all(entry.path(), ec);
    }
  }
  if (fs::exists(template_dir, ec)) {
    const std::string old = absl::StrCat(template_dir, ".old-", getpid());
    if (rename(template_dir.c_str(), old.c_str()) != 0) {
      return ErrnoStatus(errno, absl::StrCat("rename ", template_dir));
    }
    fs::remove_all(old, ec);
  }

  const std::string building = absl::StrCat(template_dir, ".tmp-", getpid());
  std::vector<std::string> args = {*install_db, "--no-defaults",
                                   absl::StrCat("--datadir=", building),
                                   "--auth-root-authentication-method=normal", "--skip-test-db",
                                   "--skip-name-resolve",
                                   // no host name lookup: works on hosts without /etc/hosts
                                   "--force"};
  if (geteuid() == 0) args.push_back("--user=root");  // only root may (and must) say so
  absl::StatusOr<CommandResult> result = RunCommand(*install_db, args, "", absl::Minutes(5));
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    fs::remove_all(building, ec);
    std::string output = absl::StrCat(result->out, result->err);
    return absl::InternalError(absl::StrCat("mariadb-install-db failed (",
                                            DescribeWaitStatus(result->status), "):\n", output));
  }
  {
    Fd stamp_fd(open((building + "/" + kTemplateStampFile).c_str(),
                     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!stamp_fd.valid() || write(stamp_fd.get(), stamp.data(), stamp.size()) !=
                                 static_cast<ssize_t>(stamp.size())) {
      const int err = errno;
      fs::remove_all(building, ec);
      return ErrnoStatus(err, "write template stamp");
    }
  }
  if (rename(building.c_str(), template_dir.c_str()) != 0) {
    const int err = errno;
    fs::remove_all(building, ec);
    return ErrnoStatus(err, absl::StrCat("rename ", building, " to ", template_dir));
  }
  return absl::OkStatus();
}

// Fills `data_dir` (which exists) with a freshly initialised server: a copy
// of the per-machine template, which is made once (under an exclusive lock)
// and copied under a shared lock, so that concurrent test binaries neither
// build it twice nor copy it while it is being replaced.
absl::Status InitialiseDataDir(const std::string& data_dir) {
  absl::StatusOr<std::string> mariadbd = FindBinary("mariadbd");
  if (!mariadbd.ok()) return mariadbd.status();
  absl::StatusOr<std::string> stamp = ServerStamp(*mariadbd);
  if (!stamp.ok()) return stamp.status();
  absl::StatusOr<std::string> cp = FindBinary("cp");
  if (!cp.ok()) return cp.status();

  const std::string template_dir =
      absl::StrCat(TempRoot(), "/kam-mariadb-template-", getuid(), "-", kTemplateVersion);
  const std::string lock_path = template_dir + ".lock";
  for (int attempt = 0; attempt < 5; ++attempt) {
    {
      absl::StatusOr<FileLock> shared = FileLock::Acquire(lock_path, LOCK_SH);
      if (!shared.ok()) return shared.status();
      if (TemplateIsCurrent(template_dir, *stamp)) {
        // `cp -a` keeps modes, handles sparse files and uses reflinks where
        // the file system has them.
        absl::StatusOr<CommandResult> copy = RunCommand(
            *cp, {*cp, "-a", "--", template_dir + "/.", data_dir + "/"}, "", absl::Minutes(5));
        if (!copy.ok()) return copy.status();
        if (!copy->ok()) {
          return absl::InternalError(absl::StrCat("copying ", template_dir, " to ", data_dir,
                                                  " failed: ", copy->err));
        }
        unlink((data_dir + "/" + kTemplateStampFile).c_str());
        return absl::OkStatus();
      }
    }
    absl::StatusOr<FileLock> exclusive = FileLock::Acquire(lock_path, LOCK_EX);
    if (!exclusive.ok()) return exclusive.status();
    if (!TemplateIsCurrent(template_dir, *stamp)) {
      if (absl::Status built = BuildTemplate(template_dir, *stamp); !built.ok()) return built;
    }
  }
  return absl::InternalError(
      absl::StrCat("the MariaDB template ", template_dir, " keeps changing; giving up"));
}

std::string QuoteIdentifier(absl::string_view name) {
  std::string quoted = "`";
  for (char c : name) {
    if (c == '`') quoted += '`';
    quoted += c;
  }
  return quoted + "`";
}

// A schema name as a GRANT target: '_' and '%' are wildcards there, so that
// GRANT ON `kam_t`.* would also cover `kamXt`.
std::string QuoteGrantSchema(absl::string_view name) {
  std::string escaped;
  for (char c : name) {
    if (c == '_' || c == '%' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return QuoteIdentifier(escaped);
}

std::string QuoteString(absl::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    switch (c) {
      case '\'':
        quoted += "\\'";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\0':
        quoted += "\\0";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        quoted += c;
    }
  }
  return quoted + "'";
}

std::vector<std::string> TlsArgs(const MariaDbServer::Options::Tls& tls) {
  if (tls.cert_file.empty()) return {};
  std::vector<std::string> args = {absl::StrCat("--ssl-cert=", tls.cert_file),
                                   absl::StrCat("--ssl-key=", tls.key_file)};
  if (!tls.ca_file.empty()) args.push_back(absl::StrCat("--ssl-ca=", tls.ca_file));
  return args;
}

bool IsSocketPathUsable(const std::string& path) {
  return path.size() < sizeof(sockaddr_un{}.sun_path);
}

}  // namespace

int PickFreePort() {
  Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) return 0;
  socklen_t len = sizeof(addr);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::unique_ptr<MariaDbServer>> MariaDbServer::Start(Options options) {
  std::unique_ptr<MariaDbServer> server(new MariaDbServer());
  server->start_timeout_ = options.start_timeout;
  std::error_code ec;

  if (options.data_dir.empty()) {
    std::string pattern = TempRoot() + "/kam-mariadb-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return ErrnoStatus(errno, absl::StrCat("mkdtemp ", pattern));
    }
    server->data_dir_ = pattern;
    server->temporary_ = true;  // from here on the destructor removes it
    if (absl::Status s = InitialiseDataDir(server->data_dir_); !s.ok()) return s;
  } else {
    server->data_dir_ = fs::absolute(options.data_dir, ec).lexically_normal().string();
    if (ec) return absl::InvalidArgumentError(absl::StrCat("bad data_dir ", options.data_dir));
    while (server->data_dir_.size() > 1 && server->data_dir_.back() == '/') {
      server->data_dir_.pop_back();
    }
    fs::create_directories(server->data_dir_, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("cannot create ", server->data_dir_, ": ", ec.message()));
    }
    if (!fs::is_directory(server->data_dir_ + "/mysql", ec)) {
      if (absl::Status s = InitialiseDataDir(server->data_dir_); !s.ok()) return s;
    }
  }
  server->log_path_ = server->data_dir_ + "/" + kErrorLogName;

  // A port picked here may be taken by someone else before mariadbd binds it
  // (other tests run in parallel): then pick another.
  absl::Status launched;
  for (int attempt = 0; attempt < 5; ++attempt) {
    server->port_ = options.port != 0 ? options.port : PickFreePort();
    server->extra_args_ = TlsArgs(options.tls);
    server->extra_args_.insert(server->extra_args_.end(), options.extra_args.begin(),
                               options.extra_args.end());
    if (server->port_ <= 0) return absl::UnavailableError("cannot find a free TCP port");
    server->socket_path_ = server->data_dir_ + "/" + kSocketName;
    if (!IsSocketPathUsable(server->socket_path_)) {
      // Unix socket paths are limited to 107 bytes.
      server->socket_path_ =
          absl::StrCat("/tmp/kam-mariadb-", getuid(), "-", server->port_, ".sock");
    }
    const off_t log_size = FileSize(server->log_path_);
    launched = server->Launch(server->start_timeout_);
    if (launched.ok() || options.port != 0) break;
    const std::string tail = TailOfFile(server->log_path_, 20, log_size);
    if (!absl::StrContains(tail, "Address already in use") &&
        !absl::StrContains(tail, "Can't start server: Bind on TCP/IP port")) {
      break;
    }
  }
  if (!launched.ok()) return launched;

  // install-db makes root@localhost (socket) and, with normal authentication,
  // root@127.0.0.1; make sure of the latter (a data folder could come from
  // elsewhere). Idempotent.
  if (absl::Status s = server->ExecuteAsRoot(
          "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';\n"
          "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n");
      !s.ok()) {
    return s;
  }
  return server;
}

absl::Status MariaDbServer::Launch(absl::Duration timeout) {
  if (pid_ > 0) return absl::FailedPreconditionError("mariadbd is already running");
  absl::StatusOr<std::string> mariadbd = FindBinary("mariadbd");
  if (!mariadbd.ok()) return mariadbd.status();
  absl::StatusOr<std::string> client = FindBinary("mariadb");
  if (!client.ok()) return client.status();

  // A socket left by a server that was killed would look like a live one.
  unlink(socket_path_.c_str());

  const std::string output_path = data_dir_ + "/" + kOutputLogName;
  Fd output(open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!output.valid()) return ErrnoStatus(errno, absl::StrCat("open ", output_path));

  std::vector<std::string> args = {
      *mariadbd,
      "--no-defaults",
      absl::StrCat("--datadir=", data_dir_),
      absl::StrCat("--socket=", socket_path_),
      absl::StrCat("--port=", port_),
      "--bind-address=127.0.0.1",
      "--skip-log-bin",
      absl::StrCat("--pid-file=", data_dir_, "/", kPidFileName),
      absl::StrCat("--log-error=", log_path_),
      "--innodb-buffer-pool-size=256M",
      "--max-connections=500",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_520_ci",
      "--skip-name-resolve",
  };
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // mariadbd refuses to run as root unless told to.
  if (geteuid() == 0) args.push_back("--user=root");
  absl::StatusOr<pid_t> pid = Spawn(*mariadbd, args, -1, output.get(), output.get());
  if (!pid.ok()) return pid.status();
  pid_ = *pid;

  const auto log_tail = [this, &output_path]() {
    std::string tail = TailOfFile(log_path_, 20);
    if (tail.empty()) tail = TailOfFile(output_path, 20);
    return absl::StrCat("; last lines of ", log_path_, ":\n", tail);
  };

  const absl::Time deadline = absl::Now() + timeout;
  std::string last_probe_error;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return absl::InternalError(absl::StrCat("mariadbd exited during start-up (",
                                              r == -1 ? "not our child" : DescribeWaitStatus(status),
                                              ")", log_tail()));
    }
    if (access(socket_path_.c_str(), F_OK) == 0) {
      const absl::Duration left = deadline - absl::Now();
      absl::StatusOr<CommandResult> probe =
          RunCommand(*client,
                     {*client, "--no-defaults", absl::StrCat("--socket=", socket_path_), "-uroot",
                      "--connect-timeout=2", "--batch", "--skip-column-names", "-e", "SELECT 1"},
                     "", std::clamp(left, absl::Seconds(1), absl::Seconds(10)));
      if (probe.ok() && probe->ok()) return absl::OkStatus();
      last_probe_error =
          probe.ok() ? std::string(absl::StripAsciiWhitespace(probe->err)) : probe.status().ToString();
    }
    if (absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  kill(pid_, SIGKILL);
  WaitForChildBlocking(pid_);
  pid_ = -1;
  return absl::DeadlineExceededError(absl::StrCat(
      "mariadbd did not accept connections within ", absl::FormatDuration(timeout),
      last_probe_error.empty() ? "" : " (" + last_probe_error + ")", log_tail()));
}

MariaDbServer::~MariaDbServer() {
  (void)Stop();
  if (temporary_ && !data_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
  if (!socket_path_.empty() && !absl::StartsWith(socket_path_, data_dir_ + "/")) {
    unlink(socket_path_.c_str());
  }
}

absl::Status MariaDbServer::Stop(absl::Duration grace) {
  if (pid_ <= 0) return absl::OkStatus();
  const pid_t pid = std::exchange(pid_, -1);
  kill(pid, SIGTERM);
  int status;
  bool killed = false;
  if (std::optional<int> exited = WaitForChild(pid, grace); exited.has_value()) {
    status = *exited;
  } else {
    kill(pid, SIGKILL);
    status = WaitForChildBlocking(pid);
    killed = true;
  }
  // A clean shutdown, or the SIGKILL we sent after the grace period: the
  // server is gone as asked. Anything else means it had died on its own.
  const bool expected = killed || status == -1 ||
                        (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
                        (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  if (!expected) {
    return absl::InternalError(absl::StrCat("mariadbd ended with ", DescribeWaitStatus(status),
                                            "; last lines of ", log_path_, ":\n",
                                            TailOfFile(log_path_, 20)));
  }
  return absl::OkStatus();
}

absl::Status MariaDbServer::Restart() {
  if (pid_ > 0) {
    if (absl::Status s = Stop(); !s.ok()) return s;
  }
  return Launch(start_timeout_);
}

absl::Status MariaDbServer::ExecuteAsRoot(absl::string_view sql) {
  return QueryAsRoot(sql).status();
}

absl::StatusOr<std::string> MariaDbServer::QueryAsRoot(absl::string_view sql) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the MariaDB server is not running");
  absl::StatusOr<std::string> client = FindBinary("mariadb");
  if (!client.ok()) return client.status();
  absl::StatusOr<CommandResult> result =
      RunCommand(*client,
                 {*client, "--no-defaults", absl::StrCat("--socket=", socket_path_), "-uroot",
                  "--batch", "--skip-column-names", "--default-character-set=utf8mb4"},
                 sql, kClientTimeout);
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return absl::InternalError(absl::StrCat("mariadb client failed (",
                                            DescribeWaitStatus(result->status),
                                            "): ", absl::StripAsciiWhitespace(result->err)));
  }
  return std::move(result->out);
}

absl::Status MariaDbServer::CreateServiceDatabase(absl::string_view schema,
                                                  absl::string_view user,
                                                  absl::string_view password) {
  if (schema.empty() || user.empty()) {
    return absl::InvalidArgumentError("schema and user must not be empty");
  }
  std::string sql = absl::StrCat("CREATE DATABASE IF NOT EXISTS ", QuoteIdentifier(schema),
                                 " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;\n");
  for (const char* host : {"127.0.0.1", "localhost"}) {
    const std::string account = absl::StrCat(QuoteString(user), "@", QuoteString(host));
    // ALTER as well, so that a second call with another password takes it.
    absl::StrAppend(&sql, "CREATE USER IF NOT EXISTS ", account, " IDENTIFIED BY ",
                    QuoteString(password), ";\n", "ALTER USER ", account, " IDENTIFIED BY ",
                    QuoteString(password), ";\n", "GRANT ALL PRIVILEGES ON ",
                    QuoteGrantSchema(schema), ".* TO ", account, ";\n");
  }
  return ExecuteAsRoot(sql);
}

}  // namespace kam::testing
