#include "harness/sandbox/host_process.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "harness/core/strings.h"
#include "harness/sandbox/process_supervisor.h"

namespace assay {
namespace {

// The plan's rlimits are assay's own soft limits, so the helper runs as assay would.
SandboxLimits current_limits() {
  auto soft = [](int resource) {
    rlimit r{};
    getrlimit(resource, &r);
    return r.rlim_cur;
  };
  SandboxLimits l;
  rlim_t cpu = soft(RLIMIT_CPU);
  l.cpu_seconds = cpu == RLIM_INFINITY || cpu > (1U << 30) ? (1 << 30) : static_cast<int>(cpu);
  rlim_t as = soft(RLIMIT_AS);
  l.address_space_bytes = as == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(as);
  rlim_t fsize = soft(RLIMIT_FSIZE);
  l.max_file_bytes = fsize == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(fsize);
  rlim_t files = soft(RLIMIT_NOFILE);
  l.max_open_files = files == RLIM_INFINITY ? (1 << 20) : static_cast<int>(files);
  return l;
}

}  // namespace

std::string find_in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return is_executable(program) ? program : "";
  const char* path = std::getenv("PATH");
  for (const std::string& dir :
       split(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + program;
    if (is_executable(candidate)) return candidate;
  }
  return "";
}

Result<std::unique_ptr<HostProcess>> HostProcess::start(const std::vector<std::string>& argv,
                                                        std::vector<std::string> env,
                                                        const std::string& workdir) {
  if (argv.empty() || argv[0].empty()) {
    return make_error(ErrorKind::kInvalidInput, "no command to start");
  }
  std::string program = find_in_path(argv[0]);
  if (program.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      "'" + argv[0] + "' is not an executable program (looked in $PATH)");
  }
  int in[2];
  int out[2];
  int err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, errno_text("pipe"));
  ScopedFd in_read(in[0]);
  ScopedFd in_write(in[1]);
  if (pipe2(out, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, errno_text("pipe"));
  ScopedFd out_read(out[0]);
  ScopedFd out_write(out[1]);
  if (pipe2(err, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, errno_text("pipe"));
  ScopedFd err_read(err[0]);
  ScopedFd err_write(err[1]);
  ChildPlan plan;
  plan.argv = argv;
  plan.argv[0] = program;
  plan.env = std::move(env);
  plan.workdir = workdir;
  plan.limits = current_limits();
  std::vector<ScopedFd> child_fds;
  child_fds.push_back(std::move(in_read));
  child_fds.push_back(std::move(out_write));
  child_fds.push_back(std::move(err_write));
  // A helper that exits early must not kill assay with SIGPIPE on the next write.
  std::signal(SIGPIPE, SIG_IGN);
  Result<pid_t> pid = start_child(plan, std::move(child_fds));
  if (!pid) return pid.error();
  std::unique_ptr<HostProcess> p(new HostProcess());
  p->pid_ = *pid;
  p->in_ = in_write.release();
  p->out_ = out_read.release();
  p->err_ = err_read.release();
  return p;
}

std::optional<int> HostProcess::exit_status() {
  if (status_) return status_;
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
  return status_;
}

HostProcess::~HostProcess() {
  for (int fd : {in_, out_, err_}) {
    if (fd >= 0) ::close(fd);
  }
  if (pid_ > 0) {
    // The session leader's pid is the process group id (start_child calls setsid).
    ::kill(-pid_, SIGKILL);
    if (!status_) {
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
}

}  // namespace assay
