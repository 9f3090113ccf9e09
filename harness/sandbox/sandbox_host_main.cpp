// assay-sandbox-host: the process that lives inside a persistent workspace (workspace.h) and
// runs its commands. It speaks a small framed protocol on stdin/stdout (a socket):
//
//   request:  "RUN <timeout_ms> <cap> <argc> <stdin_len> <len_1> ... <len_argc>\n"
//             then the argc arguments' bytes, then the stdin bytes
//   response: "DONE <kind> <code> <total> <head_len> <tail_len>\n" then head and tail bytes
//             kind: exited (code = exit status), signaled (code = signal), timeout, or
//             failed (could not start; the bytes say why)
//
// Each command runs in its own process group with stdout and stderr going to one unlinked file
// (so a background process that keeps them open cannot make the host wait), in the working
// directory given as argv[1]. On timeout the group is killed. When stdin closes, the host
// kills every group it started and exits. Only the C and POSIX libraries: it must start
// inside a bare sandbox.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string g_buffer;  // bytes read from stdin and not yet consumed

bool fill(size_t want) {
  char chunk[65536];
  while (g_buffer.size() < want) {
    ssize_t n = ::read(0, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    g_buffer.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

bool read_line(std::string& line) {
  while (true) {
    size_t nl = g_buffer.find('\n');
    if (nl != std::string::npos) {
      line = g_buffer.substr(0, nl);
      g_buffer.erase(0, nl + 1);
      return true;
    }
    if (g_buffer.size() > 65536 || !fill(g_buffer.size() + 1)) return false;
  }
}

bool take(size_t n, std::string& out) {
  if (!fill(n)) return false;
  out = g_buffer.substr(0, n);
  g_buffer.erase(0, n);
  return true;
}

bool write_all(const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(1, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool reply(const char* kind, long code, long long total, const std::string& head,
           const std::string& tail) {
  std::string header = "DONE " + std::string(kind) + " " + std::to_string(code) + " " +
                       std::to_string(total) + " " + std::to_string(head.size()) + " " +
                       std::to_string(tail.size()) + "\n";
  return write_all(header + head + tail);
}

int output_file() {
  int fd = ::open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  return static_cast<int>(syscall(SYS_memfd_create, "assay-output", 1U /* MFD_CLOEXEC */));
}

int input_file(const std::string& data) {
  int fd = static_cast<int>(syscall(SYS_memfd_create, "assay-input", 1U /* MFD_CLOEXEC */));
  if (fd < 0) return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string read_at(int fd, off_t offset, size_t n) {
  std::string out(n, '\0');
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out.data() + done, n - done, offset + static_cast<off_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  out.resize(done);
  return out;
}

// Waits for `pid` up to `timeout_ms`; true when it exited (status set), false on timeout.
bool wait_for(pid_t pid, long timeout_ms, int& status) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      if (pidfd >= 0) ::close(pidfd);
      return false;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    } else {
      ::usleep(10000);
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: assay-sandbox-host WORKDIR (started by assay, not by hand)\n");
    return 2;
  }
  const char* workdir = argv[1];
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<pid_t> groups;
  std::string line;
  while (read_line(line)) {
    long timeout_ms = 0;
    long long cap = 0;
    long nargs = 0;
    long long stdin_len = 0;
    char verb[8] = {0};
    int consumed = 0;
    if (std::sscanf(line.c_str(), "%7s %ld %lld %ld %lld%n", verb, &timeout_ms, &cap, &nargs,
                    &stdin_len, &consumed) != 5 ||
        std::strcmp(verb, "RUN") != 0 || nargs <= 0 || nargs > 4096 || cap < 0 || stdin_len < 0) {
      return 3;  // not our protocol: the workspace is broken, the caller sees the host gone
    }
    std::vector<size_t> lengths;
    const char* rest = line.c_str() + consumed;
    for (long i = 0; i < nargs; ++i) {
      char* end = nullptr;
      unsigned long long len = std::strtoull(rest, &end, 10);
      if (end == rest) return 3;
      lengths.push_back(static_cast<size_t>(len));
      rest = end;
    }
    std::vector<std::string> args(static_cast<size_t>(nargs));
    for (size_t i = 0; i < args.size(); ++i) {
      if (!take(lengths[i], args[i])) return 0;
    }
    std::string input;
    if (!take(static_cast<size_t>(stdin_len), input)) return 0;

    int out = output_file();
    int in = input_file(input);
    if (out < 0 || in < 0) {
      reply("failed", 0, 0, std::string("cannot create the output file: ") + std::strerror(errno),
            "");
      if (out >= 0) ::close(out);
      if (in >= 0) ::close(in);
      continue;
    }
    std::vector<char*> cargs;
    cargs.reserve(args.size() + 1);
    for (std::string& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      ::signal(SIGPIPE, SIG_DFL);
      dup2(in, 0);
      dup2(out, 1);
      dup2(out, 2);
      syscall(SYS_close_range, 3U, ~0U, 0U);
      if (chdir(workdir) != 0) _exit(126);
      execvp(cargs[0], cargs.data());
      const char* why = std::strerror(errno);
      (void)!::write(2, cargs[0], std::strlen(cargs[0]));
      (void)!::write(2, ": ", 2);
      (void)!::write(2, why, std::strlen(why));
      (void)!::write(2, "\n", 1);
      _exit(127);
    }
    ::close(in);
    if (pid < 0) {
      reply("failed", 0, 0, std::string("fork failed: ") + std::strerror(errno), "");
      ::close(out);
      continue;
    }
    setpgid(pid, pid);  // also from here: the group must exist before a timeout kills it
    groups.push_back(pid);
    int status = 0;
    bool exited = wait_for(pid, timeout_ms, status);
    if (!exited) {
      ::kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    struct stat st {};
    fstat(out, &st);
    long long total = st.st_size;
    std::string head;
    std::string tail;
    if (total <= cap) {
      head = read_at(out, 0, static_cast<size_t>(total));
    } else {
      head = read_at(out, 0, static_cast<size_t>(cap / 2));
      size_t tail_len = static_cast<size_t>(cap - cap / 2);
      tail = read_at(out, static_cast<off_t>(total - static_cast<long long>(tail_len)), tail_len);
    }
    ::close(out);
    bool ok = !exited               ? reply("timeout", 0, total, head, tail)
              : WIFSIGNALED(status) ? reply("signaled", WTERMSIG(status), total, head, tail)
                                    : reply("exited", WEXITSTATUS(status), total, head, tail);
    if (!ok) break;
  }
  // The caller closed the workspace: nothing started here may outlive it.
  for (pid_t g : groups) ::kill(-g, SIGKILL);
  return 0;
}
