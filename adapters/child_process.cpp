#include "adapters/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

extern char** environ;

namespace assay {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Error io_error(const std::string& what) {
  return make_error(ErrorKind::kIo, what + ": " + std::strerror(errno));
}

}  // namespace

Result<ChildProcess> ChildProcess::start(const std::string& command,
                                         const std::vector<std::string>& extra_env) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return io_error("exec: pipe");
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return io_error("exec: pipe");
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
    return io_error("exec: pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    errno = rc;
    return io_error("exec: cannot start /bin/sh");
  }
  ChildProcess c;
  c.pid_ = pid;
  c.in_ = in[1];
  c.out_ = out[0];
  c.err_ = err[0];
  return c;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : pid_(o.pid_), in_(o.in_), out_(o.out_), err_(o.err_) {
  o.pid_ = -1;
  o.in_ = o.out_ = o.err_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    release();
    pid_ = o.pid_;
    in_ = o.in_;
    out_ = o.out_;
    err_ = o.err_;
    o.pid_ = -1;
    o.in_ = o.out_ = o.err_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  release();
}

void ChildProcess::release() {
  close_fd(in_);
  close_fd(out_);
  close_fd(err_);
  if (pid_ > 0) {
    kill_group();
    wait();
  }
}

void ChildProcess::close_stdin() {
  close_fd(in_);
}

void ChildProcess::kill_group() {
  if (pid_ > 0) ::kill(-pid_, SIGKILL);
}

int ChildProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    std::string out = "exited with status " + std::to_string(code);
    // The shell's convention: 128+N means the command it ran was killed by signal N.
    if (code > 128 && code < 128 + 32) {
      out += " (the command was killed by signal " + std::to_string(code - 128) + ", " +
             strsignal(code - 128) + ")";
    }
    return out;
  }
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "ended with wait status " + std::to_string(status);
}

Result<OneShotResult> run_one_shot(const std::string& command, const std::string& input,
                                   double timeout_ms, size_t max_out,
                                   const std::vector<std::string>& extra_env) {
  Result<ChildProcess> started = ChildProcess::start(command, extra_env);
  if (!started) return started.error();
  ChildProcess child = std::move(started).value();
  ::fcntl(child.stdin_fd(), F_SETFL, O_NONBLOCK);
  OneShotResult r;
  std::string err;
  size_t written = 0;
  if (input.empty()) child.close_stdin();
  bool out_open = true, err_open = true;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::microseconds(static_cast<int64_t>(timeout_ms * 1000));
  char buf[65536];
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      r.timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) {
      out_i = static_cast<int>(n);
      fds[n++] = {child.stdout_fd(), POLLIN, 0};
    }
    if (err_open) {
      err_i = static_cast<int>(n);
      fds[n++] = {child.stderr_fd(), POLLIN, 0};
    }
    if (child.stdin_fd() >= 0) {
      in_i = static_cast<int>(n);
      fds[n++] = {child.stdin_fd(), POLLOUT, 0};
    }
    int ready = ::poll(fds, n, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (ready < 0 && errno != EINTR) return io_error("exec: poll");
    if (ready <= 0) continue;
    if (in_i >= 0 && fds[in_i].revents != 0) {
      ssize_t w = ::write(child.stdin_fd(), input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      // A child that stops reading (EPIPE) simply gets no more input.
      if (written == input.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) {
        child.close_stdin();
      }
    }
    auto drain = [&](int i, int fd, std::string& into, bool& open, bool is_out) {
      if (i < 0 || fds[i].revents == 0) return;
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got > 0) {
        into.append(buf, static_cast<size_t>(got));
        if (is_out && into.size() > max_out) {
          r.out_overflow = true;
          open = false;
        }
        if (!is_out && into.size() > 8192) into.erase(0, into.size() - 2048);
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        open = false;
      }
    };
    drain(out_i, child.stdout_fd(), r.out, out_open, true);
    drain(err_i, child.stderr_fd(), err, err_open, false);
    if (r.out_overflow) break;
  }
  if (r.timed_out || r.out_overflow) child.kill_group();
  child.close_stdin();
  r.status = child.wait();
  r.err_tail = err.size() > 2048 ? err.substr(err.size() - 2048) : err;
  return r;
}

}  // namespace assay
