// What negsim's commands share: option parsing, loading the scenario a
// command names, run counts, the interrupt guard and the progress report
// (src/cli_common.cpp). Internal to the command line; the commands are in
// src/cli_run.cpp (validate, trace, run, report) and src/cli_sweep.cpp
// (sweep, merge), dispatched by src/cli.cpp.
#pragma once

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "negsim/cli.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim::cli {

namespace po = boost::program_options;

// The commands.
int command_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_score(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_utilities(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_classic(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// Parses a command's arguments; throws UsageError with Boost's message.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description& positional);

/// --help and the scenario FILE, which every scenario command takes.
void add_help_and_file(po::options_description& desc);

/// A --format option restricted to `allowed` (the first is the default).
void add_format_option(po::options_description& desc, std::string& format,
                       std::vector<std::string> allowed, const char* meaning);

/// Parses a scenario command's arguments, FILE being the first positional.
po::variables_map parse_scenario_command(const std::vector<std::string>& args,
                                         const po::options_description& desc);

/// A whole number from the command line, in digits or in scientific notation
/// ("100000", "1e5", "2.5e6"): "abc", "-1" or "1.5" are errors, never
/// silently 0, a truncation or a wrapped-around value.
std::uint64_t parse_count(const std::string& option, const std::string& text);

/// The --set and --max-file-mb options of every command that reads a scenario.
void add_set_option(po::options_description& desc);

/// The --set overrides, parsed.
std::vector<Override> overrides_of(const po::variables_map& vm);

/// Prints every problem of a file that did not load, then their count.
void print_problems(std::ostream& err, const ScenarioError& e, const std::string& file);

/// A scenario as a command read it: the file once (its bytes hashed into the
/// provenance, its tree reused by every sweep point) and the validated result.
struct Loaded {
  ScenarioSource source;
  Scenario scenario;
};

/// Loads the scenario named on the command line with its overrides; on a
/// ScenarioError prints every problem and returns nullopt.
std::optional<Loaded> load_for_command(const po::variables_map& vm, const std::string& file,
                                       std::ostream& err);

/// --shard I/N: (I, N) with 0 <= I < N. Throws UsageError.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text);

/// The shard from a SLURM job array (SLURM_ARRAY_TASK_ID of
/// SLURM_ARRAY_TASK_COUNT), when --shard is not given.
std::optional<std::pair<std::uint64_t, std::uint64_t>> slurm_shard();

/// Set by SIGINT or SIGTERM while an InterruptGuard lives.
extern std::atomic<bool> g_interrupted;
extern "C" void on_interrupt(int);

/// Restores the previous SIGINT/SIGTERM handlers when a run ends.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted.store(false);
    previous_int_ = std::signal(SIGINT, on_interrupt);
    previous_term_ = std::signal(SIGTERM, on_interrupt);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

/// The installed default scenario (for `negsim run` without FILE).
std::string default_scenario();

/// Progress on stderr: a bar redrawn in place on a terminal, a line every
/// ten seconds otherwise (a log file or a batch job).
class ProgressReport {
 public:
  ProgressReport(std::ostream& err, bool quiet, bool terminal, std::string unit = "runs")
      : err_(err),
        quiet_(quiet),
        terminal_(terminal),
        unit_(std::move(unit)),
        start_(Clock::now()),
        last_(start_) {}

  void update(std::uint64_t done, std::uint64_t planned, bool adaptive) {
    if (quiet_) return;
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(planned - done) / rate : 0;
    char line[160];
    if (adaptive) {
      std::snprintf(line, sizeof line, "%llu %s (at most %llu), %.1f %s/s",
                    static_cast<unsigned long long>(done), unit_.c_str(),
                    static_cast<unsigned long long>(planned), rate, unit_.c_str());
    } else {
      std::snprintf(line, sizeof line, "%llu/%llu %s (%3.0f%%), %.1f %s/s, ETA %.0f s",
                    static_cast<unsigned long long>(done), static_cast<unsigned long long>(planned),
                    unit_.c_str(), 100.0 * static_cast<double>(done) / static_cast<double>(planned),
                    rate, unit_.c_str(), eta);
    }
    if (terminal_) {
      const int width = 30;
      const int filled =
          adaptive
              ? 0
              : static_cast<int>(width * static_cast<double>(done) / static_cast<double>(planned));
      err_ << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
           << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << line << "   "
           << std::flush;
    } else if (std::chrono::duration<double>(now - last_).count() >= 10 || done == planned) {
      err_ << "negsim: " << line << "\n" << std::flush;
      last_ = now;
    }
  }
  void finish() {
    if (!quiet_ && terminal_) err_ << "\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  bool quiet_, terminal_;
  std::string unit_;
  Clock::time_point start_, last_;
};

/// --runs, --precision, --max-runs, --seed and --threads, as `run` (runs of
/// the scenario) and `sweep` (runs of each point) take them.
void add_run_count_options(po::options_description& desc, bool per_point);

/// --threads T, checked (1 to 1024); `fallback` when it is not given.
int read_threads(const po::variables_map& vm, int fallback = 0);

/// Creates `dir` and checks that a file can be written in it, before any
/// work is done. False, with "PREFIXoutput directory DIR is not writable:
/// why" on `err`, when not.
bool prepare_output_dir(const std::string& dir, std::ostream& err, const std::string& prefix);

/// Reads the options of add_run_count_options but --seed into EngineOptions
/// or SweepOptions, whose defaults stand for the options not given.
template <class Options>
void read_run_counts(const po::variables_map& vm, Options& o) {
  if (vm.count("runs") && vm.count("precision")) {
    throw UsageError("--runs and --precision exclude each other (give one)");
  }
  if (vm.count("max-runs") && !vm.count("precision"))
    throw UsageError("--max-runs needs --precision");
  if (vm.count("runs")) {
    o.runs = parse_count("runs", vm["runs"].as<std::string>());
    if (o.runs == 0) throw UsageError("--runs: at least 1 (got 0)");
  }
  if (vm.count("precision")) {
    const double p = vm["precision"].as<double>();
    if (!(p > 0 && p < 0.5)) {
      throw UsageError("--precision: a half-width in (0, 0.5) (got " + detail::format_number(p) +
                       ")");
    }
    o.precision = p;
    if (vm.count("max-runs"))
      o.max_runs = parse_count("max-runs", vm["max-runs"].as<std::string>());
    if (o.max_runs == 0) throw UsageError("--max-runs: at least 1 (got 0)");
  }
  o.threads = read_threads(vm, o.threads);
}

/// --seed, or the scenario's own seed.
std::uint64_t seed_of(const po::variables_map& vm, const Scenario& scenario);

}  // namespace negsim::cli
