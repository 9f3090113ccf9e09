#include "harness/sandbox/sandbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "harness/sandbox/process_supervisor.h"
#include "harness/sandbox/workspace.h"

namespace assay {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> base_environment(const std::string& home) {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home,    "TMPDIR=" + home, "LANG=C.UTF-8",
          "PYTHONDONTWRITEBYTECODE=1",         "PYTHONHASHSEED=0"};
}

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && is_executable(dir + "/" + name)) return dir + "/" + name;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

// A fresh directory under the temporary directory, named after `pattern` (ending in XXXXXX).
Result<std::string> make_temp_dir(const std::string& pattern) {
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  std::string path = (tmp / pattern).string();
  if (mkdtemp(path.data()) == nullptr) {
    return make_error(ErrorKind::kIo,
                      errno_text("cannot create a directory under " + tmp.string()));
  }
  return path;
}

constexpr char kWorkDir[] = "/tmp/work";
constexpr char kWorkspaceDir[] = "/work";                        // an agent's working directory
constexpr char kHostInSandbox[] = "/.assay/assay-sandbox-host";  // the workspace host, read-only
constexpr char kPrlimit[] = "/usr/bin/prlimit";

class BubblewrapSandbox final : public Sandbox {
 public:
  explicit BubblewrapSandbox(std::string bwrap)
      : bwrap_(std::move(bwrap)), as_root_(geteuid() == 0), system_args_(system_binds()) {}

  Result<ExecutionResult> run(const ExecutionRequest& request,
                              const SandboxLimits& limits) const override {
    ChildPlan plan = base_plan(limits, false);
    std::vector<std::string>& a = plan.argv;
    a.insert(a.end(), {"--dir", kWorkDir});
    std::vector<ScopedFd> file_fds;
    for (const auto& f : request.files) {
      Result<ScopedFd> fd = memory_file(f.content);
      if (!fd) return fd.error();
      int target = kFirstExtraFd + static_cast<int>(file_fds.size());
      a.insert(a.end(), {"--file", std::to_string(target), std::string(kWorkDir) + "/" + f.name});
      file_fds.push_back(std::move(fd).value());
    }
    finish_plan(plan, kWorkDir, "/tmp");
    a.insert(a.end(), request.argv.begin(), request.argv.end());
    return supervise(std::move(plan), request, std::move(file_fds));
  }

  Result<std::unique_ptr<Workspace>> open_workspace(
      const WorkspaceOptions& options) const override {
    Result<std::string> host = sandbox_host_path();
    if (!host) return host.error();
    // The host program goes in as a copy read from a descriptor opened here: the sandbox's user
    // (uid 65534 when assay is root) may not be able to reach the build or install directory.
    ScopedFd host_file(::open(host->c_str(), O_RDONLY | O_CLOEXEC));
    if (host_file.get() < 0) return make_error(ErrorKind::kIo, errno_text("cannot read " + *host));
    ChildPlan plan = base_plan(options.limits, options.network);
    std::vector<std::string>& a = plan.argv;
    a.insert(a.end(), {"--size", std::to_string(options.workspace_bytes), "--tmpfs", kWorkspaceDir,
                       "--perms", "0555", "--ro-bind-data", "3", kHostInSandbox});
    finish_plan(plan, kWorkspaceDir, kWorkspaceDir);
    a.insert(a.end(), {kHostInSandbox, kWorkspaceDir});
    std::vector<ScopedFd> fds;
    fds.push_back(std::move(host_file));
    return launch_workspace(
        std::move(plan), "",
        std::string("bubblewrap workspace") + (options.network ? " with the host's network" : ""),
        std::move(fds));
  }

  bool isolated() const override { return true; }

  std::string describe() const override {
    return "bubblewrap (" + bwrap_ + (as_root_ ? ", as uid 65534)" : ")");
  }

 private:
  // bwrap and the isolation every execution shares: its own namespaces (the host's network
  // only when `network`), the read-only system, /proc, /dev and a size-capped private /tmp.
  ChildPlan base_plan(const SandboxLimits& limits, bool network) const {
    ChildPlan plan;
    plan.limits = limits;
    plan.drop_to_nobody = as_root_;
    std::vector<std::string>& a = plan.argv;
    a = {bwrap_, "--unshare-all"};
    if (network) a.emplace_back("--share-net");
    a.insert(a.end(), {"--die-with-parent", "--new-session", "--hostname", "sandbox"});
    a.insert(a.end(), system_args_.begin(), system_args_.end());
    if (network) {
      for (const char* file : {"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf"}) {
        if (::access(file, R_OK) == 0) a.insert(a.end(), {"--ro-bind", file, file});
      }
    }
    a.insert(a.end(), {"--proc", "/proc", "--dev", "/dev", "--size",
                       std::to_string(limits.tmp_bytes), "--tmpfs", "/tmp"});
    return plan;
  }

  // The working directory, the scrubbed environment (HOME = `home`) and the process limit,
  // ending with the "--" before the program's argv.
  static void finish_plan(ChildPlan& plan, const char* workdir, const std::string& home) {
    std::vector<std::string>& a = plan.argv;
    a.insert(a.end(), {"--chdir", workdir, "--clearenv"});
    for (const auto& kv : base_environment(home)) {
      size_t eq = kv.find('=');
      a.insert(a.end(), {"--setenv", kv.substr(0, eq), kv.substr(eq + 1)});
    }
    // The process limit is set inside the new user namespace, where it counts only the
    // sandbox's processes (set outside, it would count every process of the host user).
    a.insert(a.end(),
             {"--", kPrlimit, "--nproc=" + std::to_string(plan.limits.max_processes), "--"});
  }

  // The host system, read-only (merged-/usr symlinks stay symlinks), as bwrap arguments. The
  // layout does not change while assay runs, so it is read once.
  static std::vector<std::string> system_binds() {
    std::vector<std::string> a;
    for (const char* dir : {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
      std::error_code ec;
      fs::file_status st = fs::symlink_status(dir, ec);
      if (ec || !fs::exists(st)) continue;
      if (fs::is_symlink(st)) {
        a.insert(a.end(), {"--symlink", fs::read_symlink(dir, ec).string(), dir});
      } else {
        a.insert(a.end(), {"--ro-bind", dir, dir});
      }
    }
    for (const char* file : {"/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"}) {
      if (::access(file, R_OK) == 0) a.insert(a.end(), {"--ro-bind", file, file});
    }
    return a;
  }

  std::string bwrap_;
  bool as_root_;
  std::vector<std::string> system_args_;
};

class UnsandboxedRunner final : public Sandbox {
 public:
  Result<ExecutionResult> run(const ExecutionRequest& request,
                              const SandboxLimits& limits) const override {
    Result<std::string> made = make_temp_dir("assay-exec-XXXXXX");
    if (!made) return made.error();
    fs::path dir = *made;
    std::error_code ec;
    for (const auto& f : request.files) {
      FILE* out = std::fopen((dir / f.name).c_str(), "wb");
      if (out == nullptr ||
          std::fwrite(f.content.data(), 1, f.content.size(), out) != f.content.size()) {
        if (out != nullptr) std::fclose(out);
        fs::remove_all(dir, ec);
        return make_error(ErrorKind::kIo, errno_text("cannot write " + (dir / f.name).string()));
      }
      std::fclose(out);
    }
    ChildPlan plan;
    plan.limits = limits;
    plan.argv = request.argv;
    plan.env = base_environment(dir.string());
    plan.workdir = dir.string();
    Result<ExecutionResult> r = supervise(std::move(plan), request, {});
    fs::remove_all(dir, ec);
    return r;
  }

  Result<std::unique_ptr<Workspace>> open_workspace(
      const WorkspaceOptions& options) const override {
    Result<std::string> host = sandbox_host_path();
    if (!host) return host.error();
    Result<std::string> dir = make_temp_dir("assay-workspace-XXXXXX");
    if (!dir) return dir.error();
    ChildPlan plan;
    plan.limits = options.limits;
    plan.argv = {*host, *dir};
    plan.env = base_environment(*dir);
    plan.workdir = *dir;
    return launch_workspace(std::move(plan), *dir, "unsandboxed workspace " + *dir);
  }

  bool isolated() const override { return false; }
  std::string describe() const override { return "none (--unsafe-no-sandbox)"; }
};

}  // namespace

std::string termination_name(Termination t) {
  switch (t) {
    case Termination::kExited:
      return "exited";
    case Termination::kSignaled:
      return "signaled";
    case Termination::kWallTimeout:
      return "timeout";
    case Termination::kOutputLimit:
      return "output_limit";
  }
  return "exited";
}

Result<std::unique_ptr<Sandbox>> make_bubblewrap_sandbox(const std::string& bwrap_path) {
  std::string bwrap = bwrap_path.empty() ? find_in_path("bwrap") : bwrap_path;
  if (bwrap.empty() || !is_executable(bwrap)) {
    return make_error(ErrorKind::kNotFound,
                      "the code sandbox needs bubblewrap, which is not installed" +
                          (bwrap.empty() ? std::string() : " at " + bwrap) +
                          ": install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf "
                          "install bubblewrap), or pass --unsafe-no-sandbox to run model code "
                          "without isolation");
  }
  if (!is_executable(kPrlimit)) {
    return make_error(ErrorKind::kNotFound, std::string("the code sandbox needs ") + kPrlimit +
                                                " (util-linux) to limit processes");
  }
  auto sandbox = std::make_unique<BubblewrapSandbox>(bwrap);
  ExecutionRequest probe;
  probe.argv = {"/bin/sh", "-c", "exit 0"};
  Result<ExecutionResult> r = sandbox->run(probe, SandboxLimits{});
  if (!r) return r.error();
  if (r->termination != Termination::kExited || r->exit_code != 0) {
    std::string why = r->stderr_text.empty() ? termination_name(r->termination) : r->stderr_text;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return make_error(ErrorKind::kIo,
                      "bubblewrap (" + bwrap + ") cannot create its sandbox here: " + why +
                          ". It needs unprivileged user namespaces: allow them (sysctl "
                          "kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0; "
                          "in Docker, a seccomp profile that permits unshare/clone), or pass "
                          "--unsafe-no-sandbox to run model code without isolation");
  }
  return std::unique_ptr<Sandbox>(std::move(sandbox));
}

std::unique_ptr<Sandbox> make_unsandboxed_runner() {
  return std::make_unique<UnsandboxedRunner>();
}

}  // namespace assay