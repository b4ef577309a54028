#include "negsim/cli.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>

#include "negsim/detail/text.hpp"
#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/report.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "negsim/version.hpp"

#ifdef NEGSIM_WITH_MPI
#include <mpi.h>
#endif

namespace negsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kOverview = R"(negsim: Monte Carlo simulation of multi-party negotiations

Usage: negsim COMMAND [OPTIONS]
       negsim COMMAND --help     options of one command

Commands:
  run [FILE]      simulate many negotiations: outcome probabilities with
                  intervals, in summary.json and report.md (default scenario:
                  scenarios/muscat-2025.yaml)
  sweep FILE --design SPEC
                  run the scenario at every point of a design (grid, one at a
                  time, Latin hypercube, Sobol', Morris): results in SQLite,
                  resumable, shardable across a cluster; sensitivity indices
  merge DIR...    combine the shard files of a sweep into one
  report DIR      plots and an HTML report of a run's outputs
  validate FILE   check a scenario file and print it fully resolved
  trace FILE      play one negotiation and tell it round by round

Options:
  -h, --help      show this help
  --version       print negsim's version

Exit codes: 0 success, 1 invalid scenario, unreadable input or unwritable
output, 2 bad command line, 3 internal error (a bug: please report it with the
command that caused it), 130 interrupted (what was complete is kept).
)";

struct Command {
  const char* name;
  std::function<int(const std::vector<std::string>&, std::ostream&, std::ostream&)> run;
};

/// Parses a command's arguments; throws UsageError with Boost's message.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

/// --help and the scenario FILE, which every scenario command takes.
void add_help_and_file(po::options_description& desc) {
  desc.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->value_name("FILE"), "the scenario file (YAML)");
}

/// A --format option restricted to `allowed` (the first is the default).
void add_format_option(po::options_description& desc, std::string& format,
                       std::vector<std::string> allowed, const char* meaning) {
  const std::string expected = detail::join_alternatives(allowed);
  desc.add_options()("format,f",
                     po::value<std::string>(&format)
                         ->default_value(allowed.front())
                         ->value_name("FORMAT")
                         ->notifier([allowed, expected](const std::string& f) {
                           if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) {
                             throw UsageError("--format: unknown format \"" + f + "\" (expected " +
                                              expected + ")");
                           }
                         }),
                     meaning);
}

/// Parses a scenario command's arguments, FILE being the first positional.
po::variables_map parse_scenario_command(const std::vector<std::string>& args,
                                         const po::options_description& desc) {
  po::positional_options_description positional;
  positional.add("file", 1);
  return parse(args, desc, positional);
}

/// A whole number from the command line, in digits or in scientific notation
/// ("100000", "1e5", "2.5e6"): "abc", "-1" or "1.5" are errors, never
/// silently 0, a truncation or a wrapped-around value.
std::uint64_t parse_count(const std::string& option, const std::string& text) {
  std::uint64_t x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if ((ec != std::errc() || end != text.data() + text.size()) &&
      text.find_first_of("eE") != std::string::npos) {
    double d = 0;
    const auto [dend, dec] = std::from_chars(text.data(), text.data() + text.size(), d);
    // Exactly representable whole numbers only (up to 2^53).
    if (dec == std::errc() && dend == text.data() + text.size() && d >= 0 && d <= 0x1p53 &&
        std::floor(d) == d) {
      return static_cast<std::uint64_t>(d);
    }
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw UsageError("--" + option + ": not a whole number in [0, 18446744073709551615] (got \"" +
                     text + "\")");
  }
  return x;
}

/// The --set and --max-file-mb options of every command that reads a scenario.
void add_set_option(po::options_description& desc) {
  desc.add_options()("set,s",
                     po::value<std::vector<std::string>>()->value_name("PATH=VALUE")->composing(),
                     "override a field before validation, e.g. --set agents.us.trust=0.4 or "
                     "--set 'agents.us.trust={uniform: [0.2, 0.4]}'; repeatable")(
      "max-file-mb", po::value<std::string>()->value_name("MB")->default_value("16"),
      "refuse scenario files larger than this (a guard against reading a wrong, huge file)");
}

/// The --set overrides, parsed.
std::vector<Override> overrides_of(const po::variables_map& vm) {
  std::vector<Override> overrides;
  if (vm.count("set")) {
    for (const auto& s : vm["set"].as<std::vector<std::string>>()) {
      overrides.push_back(parse_override(s));
    }
  }
  return overrides;
}

/// Prints every problem of a file that did not load, then their count.
void print_problems(std::ostream& err, const ScenarioError& e, const std::string& file) {
  for (const auto& d : e.diagnostics()) err << d.str() << "\n";
  const auto n = e.diagnostics().size();
  err << "negsim: " << n << (n == 1 ? " problem" : " problems") << " in " << file << "\n";
}

/// A scenario as a command read it: the file once (its bytes hashed into the
/// provenance, its tree reused by every sweep point) and the validated result.
struct Loaded {
  ScenarioSource source;
  Scenario scenario;
};

/// Loads the scenario named on the command line with its overrides; on a
/// ScenarioError prints every problem and returns nullopt.
std::optional<Loaded> load_for_command(const po::variables_map& vm, const std::string& file,
                                       std::ostream& err) {
  LoadOptions options;
  options.overrides = overrides_of(vm);
  if (vm.count("max-file-mb")) {
    const std::uint64_t mb = parse_count("max-file-mb", vm["max-file-mb"].as<std::string>());
    if (mb == 0 || mb > 4096) {
      throw UsageError("--max-file-mb: between 1 and 4096 (got " + std::to_string(mb) + ")");
    }
    options.limits.max_file_bytes = mb << 20;
  }
  try {
    Loaded loaded{read_scenario_source(file, options.limits), {}};
    loaded.scenario = load_scenario(loaded.source, options.overrides);
    return loaded;
  } catch (const ScenarioError& e) {
    print_problems(err, e, file);
    return std::nullopt;
  }
}

int validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim validate FILE [--set PATH=VALUE ...] [--format yaml|json] [--quiet]\n\n"
      "Checks a scenario file, reporting every problem as file:line:col: field: message,\n"
      "and prints the scenario as negsim will run it: defaults filled in, overrides applied.\n"
      "Exit code 0 when valid, 1 when not, 2 on a bad command line.\n\nOptions");
  std::string format;
  add_help_and_file(desc);
  add_format_option(desc, format, {"yaml", "json"},
                    "output format of the resolved scenario: yaml or json");
  desc.add_options()("quiet,q", "print nothing when the scenario is valid");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  const std::string file = vm["file"].as<std::string>();

  const auto loaded_scenario = load_for_command(vm, file, err);
  if (!loaded_scenario) return kInvalidInput;
  const Scenario* scenario = &loaded_scenario->scenario;
  if (!vm.count("quiet")) out << (format == "json" ? to_json(*scenario) : to_yaml(*scenario));
  return kOk;
}

int trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim trace FILE [--run K] [--seed S] [--set PATH=VALUE ...] [--format "
      "text|json]\n\n"
      "Plays one negotiation of the scenario and prints it round by round: the\n"
      "parameters drawn for the run, the mediator's texts, each principal's\n"
      "aspiration, trust and valuation of the texts, the spoilers' strike hazards,\n"
      "the events and the decisions, then the outcome. Run K of seed S is the same\n"
      "run that `negsim run` counts as run K.\n\nOptions");
  std::string format;
  add_help_and_file(desc);
  desc.add_options()                                                            //
      ("run,r", po::value<std::string>()->value_name("K")->default_value("0"),  //
       "which run to play (0, 1, 2, ...)")                                      //
      ("seed", po::value<std::string>()->value_name("S"),                       //
       "random seed (default: the scenario's seed)");
  add_format_option(desc, format, {"text", "json"}, "text for people, json for tools");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  const std::uint64_t run = parse_count("run", vm["run"].as<std::string>());
  std::optional<std::uint64_t> seed;
  if (vm.count("seed")) seed = parse_count("seed", vm["seed"].as<std::string>());
  const std::string file = vm["file"].as<std::string>();
  const auto loaded_scenario = load_for_command(vm, file, err);
  if (!loaded_scenario) return kInvalidInput;
  const Scenario* scenario = &loaded_scenario->scenario;
  const model::Negotiation negotiation(*scenario);
  const TracedRun traced = trace_run(negotiation, seed.value_or(scenario->seed), run);
  if (format == "json") {
    write_trace_json(out, traced);
  } else {
    write_trace_text(out, traced);
  }
  return kOk;
}

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

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

std::string default_scenario() {
  for (const char* path : kDefaultScenarioPaths) {
    if (std::filesystem::is_regular_file(path)) return path;
  }
  throw UsageError("no scenario named and the default scenario is not installed; name a FILE");
}

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
void add_run_count_options(po::options_description& desc, bool per_point) {
  desc.add_options()  //
      ("runs,n", po::value<std::string>()->value_name("N"),
       per_point ? "runs per point (default 10000)" : "number of runs (default 10000)")  //
      ("precision,p", po::value<double>()->value_name("P"),
       per_point ? "instead of --runs: runs per point until every outcome's half-width is at most P"
                 : "instead of --runs: run batches of 10000 until every outcome's 95% interval "
                   "half-width is at most P (e.g. 0.005)")  //
      ("max-runs", po::value<std::string>()->value_name("M"),
       per_point ? "with --precision: at most M runs per point (default 10000000)"
                 : "with --precision: stop at M runs even if P is not reached (default "
                   "10000000)")  //
      ("seed", po::value<std::string>()->value_name("S"),
       "random seed (default: the scenario's seed)")  //
      ("threads,t", po::value<std::string>()->value_name("T"),
       "worker threads (default: all cores)");
}

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
  if (vm.count("threads")) {
    const std::uint64_t t = parse_count("threads", vm["threads"].as<std::string>());
    if (t == 0 || t > 1024)
      throw UsageError("--threads: between 1 and 1024 (got " + std::to_string(t) + ")");
    o.threads = static_cast<int>(t);
  }
}

/// --seed, or the scenario's own seed.
std::uint64_t seed_of(const po::variables_map& vm, const Scenario& scenario) {
  return vm.count("seed") ? parse_count("seed", vm["seed"].as<std::string>()) : scenario.seed;
}

int make_report(const std::string& dir, bool html, bool quiet, std::ostream& out,
                std::ostream& err);

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim run [FILE] [--runs N | --precision P [--max-runs M]] [--seed S]\n"
      "                  [--threads T] [--out DIR] [--set PATH=VALUE ...] [--runs-csv] "
      "[--quiet]\n\n"
      "Simulates many negotiations of the scenario (the shipped default,\n"
      "scenarios/muscat-2025.yaml, when FILE is omitted) in parallel and writes\n"
      "DIR/summary.json and DIR/report.md: the probability of a full deal, an interim\n"
      "deal, a breakdown (and why) and no agreement, with 95% Wilson intervals, time\n"
      "to outcome, deal terms, utilities and events. The same seed gives the same\n"
      "numbers for any --threads. Prints the headline table.\n\nOptions");
  add_help_and_file(desc);
  add_run_count_options(desc, false);
  desc.add_options()  //
      ("out,o", po::value<std::string>()->value_name("DIR")->default_value("negsim-out"),
       "output directory (created if missing)")  //
      ("runs-csv",
       "also write DIR/runs.csv: one row per run (drawn parameters, outcome, "
       "round, terms)")                                                                      //
      ("report", "also draw the plots and write report.html (as negsim report DIR --html)")  //
      ("block", po::value<std::string>()->value_name("B")->default_value("256"),
       "runs per parallel task (does not change any result)")  //
      ("quiet,q", "no progress and no table on the terminal");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }

  EngineOptions options;
  read_run_counts(vm, options);
  options.block = parse_count("block", vm["block"].as<std::string>());
  if (options.block == 0) throw UsageError("--block: at least 1 (got 0)");

  const std::string file = vm.count("file") ? vm["file"].as<std::string>() : default_scenario();
  const auto loaded_scenario = load_for_command(vm, file, err);
  if (!loaded_scenario) return kInvalidInput;
  const Scenario* scenario = &loaded_scenario->scenario;
  options.seed = seed_of(vm, *scenario);
  const bool quiet = vm.count("quiet") > 0;

  // The output directory is checked before the simulation, not after it.
  namespace fs = std::filesystem;
  const fs::path dir = vm["out"].as<std::string>();
  try {
    fs::create_directories(dir);
    write_atomically((dir / ".negsim-write-test").string(), "");
    fs::remove(dir / ".negsim-write-test");
  } catch (const std::exception& e) {
    err << "negsim run: output directory " << dir.string() << " is not writable: " << e.what()
        << "\n";
    return kInvalidInput;
  }

  const model::Negotiation negotiation(*scenario);
  const bool want_csv = vm.count("runs-csv") > 0;
  // Batches are stopping checkpoints (fixed, for --precision), progress
  // reports and the unit of runs.csv buffering. With a fixed number of runs
  // they change no result, so they are large enough that the wait for a
  // batch's last block costs little, and small when runs are kept for the CSV.
  if (options.precision) {
    options.batch = 10'000;  // part of the stopping rule: never varies
  } else if (want_csv) {
    options.batch = 2000;
  } else {
    options.batch = std::clamp<std::uint64_t>(options.runs / 50, 10'000, 100'000);
  }
  const std::string csv_path = (dir / "runs.csv").string();
  const std::string csv_tmp = csv_path + ".tmp." + std::to_string(::getpid());
  std::ofstream csv;
  RunSink sink;
  std::string buffer;
  if (want_csv) {
    csv.open(csv_tmp, std::ios::binary | std::ios::trunc);
    if (!csv) {
      err << "negsim run: cannot write " << csv_tmp << "\n";
      return kInvalidInput;
    }
    csv << runs_csv_header(negotiation);
    sink = [&](const std::vector<RunRecord>& records) {
      buffer.clear();
      append_runs_csv(buffer, negotiation, records);
      csv << buffer;
      if (!csv) throw std::runtime_error("cannot write " + csv_tmp + " (disk full?)");
    };
  }

  ProgressReport bar(err, quiet, ::isatty(STDERR_FILENO) == 1);
  InterruptGuard guard;
  options.cancel = &g_interrupted;
  const auto start = std::chrono::steady_clock::now();
  EngineResult result;
  try {
    result = simulate(negotiation, options, sink, [&](std::uint64_t done, std::uint64_t planned) {
      bar.update(done, planned, options.precision.has_value());
    });
  } catch (const std::runtime_error& e) {
    bar.finish();
    err << "negsim run: " << e.what() << "\n";
    if (want_csv) fs::remove(csv_tmp);
    return kInvalidInput;
  }
  bar.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Provenance prov;
  prov.scenario_file = file;
  prov.scenario_sha1 = sha1_hex(loaded_scenario->source.bytes);  // the bytes that were run
  prov.resolved_sha1 = sha1_hex(to_yaml(*scenario));
  if (vm.count("set")) prov.overrides = vm["set"].as<std::vector<std::string>>();
  prov.seed = options.seed;
  prov.threads = result.threads;
  prov.wall_seconds = seconds;
  prov.date = utc_now();
  prov.stopping = options.precision ? "precision" : "fixed";
  prov.precision = options.precision;
  prov.max_runs = options.max_runs;
  prov.precision_reached = result.precision_reached;
  prov.cancelled = result.cancelled;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  prov.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
  try {
    if (want_csv) {
      csv.close();
      if (!csv) throw std::runtime_error("cannot write " + csv_tmp + " (disk full?)");
      fs::rename(csv_tmp, csv_path);
    }
    write_atomically((dir / "summary.json").string(),
                     summary_json(negotiation, result.tally, prov));
    write_atomically((dir / "report.md").string(),
                     report_markdown(negotiation, result.tally, prov));
  } catch (const std::exception& e) {
    err << "negsim run: " << e.what() << "\n";
    return kInvalidInput;
  }
  if (!quiet) {
    out << scenario->name << ": " << result.tally.runs << " runs, seed " << options.seed << ", "
        << result.threads << " threads, " << detail::format_number(std::round(seconds * 100) / 100)
        << " s\n\n"
        << headline_table(result.tally) << "\nwrote " << (dir / "summary.json").string() << ", "
        << (dir / "report.md").string() << (want_csv ? ", " + csv_path : std::string()) << "\n";
  }
  if (vm.count("report") && !result.cancelled) {
    if (const int code = make_report(dir.string(), true, quiet, out, err); code != kOk) return code;
  }
  if (result.cancelled) {
    err << "negsim run: interrupted after " << result.tally.runs
        << " runs; the outputs hold those runs\n";
    return 130;
  }
  return kOk;
}

/// "I/N" with 0 <= I < N.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) {
    throw UsageError("--shard: expected I/N, e.g. 0/4 (got \"" + text + "\")");
  }
  const std::uint64_t i = parse_count("shard", text.substr(0, slash));
  const std::uint64_t n = parse_count("shard", text.substr(slash + 1));
  if (n == 0 || i >= n) {
    throw UsageError("--shard: expected 0 <= I < N (got \"" + text + "\")");
  }
  return {i, n};
}

/// The shard from a SLURM job array, when --shard is not given.
std::optional<std::pair<std::uint64_t, std::uint64_t>> slurm_shard() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  const std::uint64_t first = min ? parse_count("SLURM_ARRAY_TASK_MIN", min) : 0;
  const std::uint64_t i = parse_count("SLURM_ARRAY_TASK_ID", id);
  const std::uint64_t n = parse_count("SLURM_ARRAY_TASK_COUNT", count);
  if (i < first || n == 0 || i - first >= n) {
    throw UsageError("SLURM_ARRAY_TASK_ID " + std::string(id) + " is outside the array of " +
                     std::string(count) + " tasks");
  }
  return std::make_pair(i - first, n);
}

std::string store_name(std::uint64_t shard, std::uint64_t shards) {
  if (shards == 1) return "sweep.sqlite";
  return "shard-" + std::to_string(shard) + "-of-" + std::to_string(shards) + ".sqlite";
}

/// points.csv and sensitivity.csv of a complete sweep, and the indices on the terminal.
void write_sweep_outputs(const std::filesystem::path& dir, const Design& design,
                         const std::vector<PointRecord>& records, std::ostream& out, bool quiet) {
  write_atomically((dir / "points.csv").string(), points_csv(design.paths, records));
  const SensitivityTables tables = sensitivity(design, records);
  if (!tables.csv.empty()) write_atomically((dir / "sensitivity.csv").string(), tables.csv);
  if (!quiet) {
    if (!tables.text.empty()) out << "\n" << tables.text;
    out << "\nwrote " << (dir / "points.csv").string()
        << (tables.csv.empty() ? "" : ", " + (dir / "sensitivity.csv").string()) << "\n";
  }
}

/// Where an MPI launch puts this process: its rank among `size`.
struct MpiPlace {
  int rank = 0, size = 1;
};

/// Runs one shard of a sweep. Under MPI (`mpi` set) the shard is the rank,
/// and `dir` receives the output directory for the merge that follows.
int sweep_shard(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                const MpiPlace* mpi, std::filesystem::path* dir_out) {
  po::options_description desc(
      "Usage: negsim sweep FILE --design SPEC [--runs N | --precision P [--max-runs M]]\n"
      "                    [--seed S] [--threads T] [--out DIR] [--shard I/N] [--set ...]\n"
      "                    [--dry-run] [--quiet]\n\n"
      "Runs the scenario at every point of the design SPEC (a YAML file: docs/SWEEPS.md)\n"
      "and stores each point's outcome probabilities in DIR/sweep.sqlite as soon as it\n"
      "finishes: run the same command again after an interruption and it resumes.\n"
      "With --shard I/N (default: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT) it runs\n"
      "every N-th point into DIR/shard-I-of-N.sqlite; `negsim merge DIR` combines them.\n"
      "Point p's runs are keyed (seed, p, run): its numbers do not depend on the shard\n"
      "or the thread count. A complete sweep writes DIR/points.csv and, for oat, sobol\n"
      "and morris designs, DIR/sensitivity.csv.\n\nOptions");
  add_help_and_file(desc);
  desc.add_options()("design,d", po::value<std::string>()->value_name("SPEC"),
                     "the design: a YAML file, or the YAML inline, e.g. --design '{design: lhs, "
                     "points: 64, parameters: {agents.us.trust: {range: [0.1, 0.9]}}}'");
  add_run_count_options(desc, true);
  desc.add_options()  //
      ("out,o", po::value<std::string>()->value_name("DIR")->default_value("negsim-sweep"),
       "output directory")                                                                        //
      ("shard", po::value<std::string>()->value_name("I/N"), "run shard I of N (0 <= I < N)")     //
      ("dry-run", "print the points, runs and shards, and an estimate of the time; run nothing")  //
      ("quiet,q", "no progress and no indices on the terminal");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  if (!vm.count("design")) throw UsageError("missing --design SPEC");
  SweepOptions options;
  options.scenario_file = vm["file"].as<std::string>();
  read_run_counts(vm, options);
  if (mpi) {
    if (vm.count("shard")) throw UsageError("--shard: not under mpirun (each rank runs one shard)");
    options.shard = static_cast<std::uint64_t>(mpi->rank);
    options.shards = static_cast<std::uint64_t>(mpi->size);
  } else if (vm.count("shard")) {
    std::tie(options.shard, options.shards) = parse_shard(vm["shard"].as<std::string>());
  } else if (auto slurm = slurm_shard()) {
    std::tie(options.shard, options.shards) = *slurm;
  }
  options.overrides = overrides_of(vm);
  // Under MPI only rank 0 talks; the others report errors only.
  const bool quiet = vm.count("quiet") > 0 || (mpi && mpi->rank != 0);

  // The design, then the base scenario, then every point: all checked first.
  // --design names a file, or gives the design inline as a YAML mapping.
  const std::string design_arg = vm["design"].as<std::string>();
  const bool inline_design = !design_arg.empty() && design_arg.front() == '{';
  const std::string design_file = inline_design ? "--design" : design_arg;
  std::string design_text;
  DesignSpec spec;
  try {
    if (inline_design) {
      design_text = design_arg;
      spec = load_design_text(design_text, design_file);
    } else {
      design_text = detail::read_text_file(design_file);  // once: parsed and kept in the manifest
      spec = load_design_text(design_text, design_file,
                              std::filesystem::path(design_file).parent_path().string());
    }
  } catch (const ScenarioError& e) {
    print_problems(err, e, design_file);
    return kInvalidInput;
  }
  for (const auto& w : spec.warnings)
    err << "negsim sweep: warning: " << design_file << ": " << w << "\n";
  const auto loaded_base = load_for_command(vm, options.scenario_file, err);
  if (!loaded_base) return kInvalidInput;
  const Scenario* base = &loaded_base->scenario;
  options.seed = seed_of(vm, *base);
  options.source = loaded_base->source;
  const Design design = generate(spec);
  const std::vector<std::size_t> mine = shard_points(design, options);
  const std::uint64_t per_point = options.precision ? options.max_runs : options.runs;

  try {
    check_points(options, design, mine);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) err << d.str() << "\n";
    err << "negsim sweep: design points give invalid scenarios; nothing was run\n";
    return kInvalidInput;
  }
  if (vm.count("dry-run")) {
    // Time a few hundred runs of the base scenario for the estimate.
    EngineOptions probe;
    probe.seed = options.seed;
    probe.runs = 4000;
    probe.threads = options.threads;
    const auto t0 = std::chrono::steady_clock::now();
    const EngineResult r = simulate(model::Negotiation(*base), probe);
    const double per_run =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 4000.0;
    const double total =
        static_cast<double>(mine.size()) * static_cast<double>(per_point) * per_run;
    out << "design: " << to_string(spec.kind) << ", " << design.paths.size() << " parameters, "
        << design.points.size() << " points\n"
        << "shard " << options.shard << "/" << options.shards << ": " << mine.size() << " points x "
        << (options.precision ? "at most " : "") << per_point
        << " runs = " << static_cast<double>(mine.size()) * static_cast<double>(per_point)
        << " runs\n"
        << "estimate: " << detail::format_number(std::round(total)) << " s on " << r.threads
        << " threads (" << detail::format_number(std::round(1.0 / per_run))
        << " runs/s on the base scenario)\n";
    return kOk;
  }

  namespace fs = std::filesystem;
  const fs::path dir = vm["out"].as<std::string>();
  if (dir_out) *dir_out = dir;
  Manifest manifest =
      sweep_manifest(*base, options.scenario_file, design_text, options, design.points.size());
  nlohmann::json paths = design.paths;
  manifest["parameters"] = paths.dump();
  std::unique_ptr<SweepStore> store;
  try {
    fs::create_directories(dir);
    store = std::make_unique<SweepStore>((dir / store_name(options.shard, options.shards)).string(),
                                         manifest);
  } catch (const std::exception& e) {
    err << "negsim sweep: " << e.what() << "\n";
    return kInvalidInput;
  }
  const std::set<std::uint64_t> done = store->done();
  std::size_t remaining = 0;
  for (std::size_t p : mine) remaining += done.count(p) == 0;
  if (!quiet && !done.empty()) {
    err << "negsim sweep: resuming: " << mine.size() - remaining << " of " << mine.size()
        << " points already done\n";
  }

  ProgressReport bar(err, quiet, ::isatty(STDERR_FILENO) == 1, "points");
  InterruptGuard guard;
  options.cancel = &g_interrupted;
  std::uint64_t finished = 0;
  bool complete = false;
  try {
    complete =
        run_sweep(options, design, mine, done,
                  [&](std::size_t p, const model::Negotiation& negotiation, const Tally& tally) {
                    store->put(point_record(negotiation, p, design.points[p], tally));
                    bar.update(++finished, remaining, false);
                  });
  } catch (const std::exception& e) {
    bar.finish();
    err << "negsim sweep: " << e.what() << "\n";
    return kInvalidInput;
  }
  bar.finish();
  if (!complete) {
    err << "negsim sweep: interrupted; " << store->done().size()
        << " points are stored; run the same command to resume\n";
    return 130;
  }
  if (mpi) return kOk;  // rank 0 merges once every rank is done
  if (options.shards > 1) {
    if (!quiet) {
      out << "shard " << options.shard << "/" << options.shards << ": " << mine.size()
          << " points in " << (dir / store_name(options.shard, options.shards)).string()
          << "; when every shard is done: negsim merge " << dir.string() << "\n";
    }
    return kOk;
  }
  if (!quiet)
    out << design.points.size() << " points in " << (dir / "sweep.sqlite").string() << "\n";
  write_sweep_outputs(dir, design, store->all(), out, quiet);
  return kOk;
}

/// Combines shard files into DIR/sweep.sqlite and, when every point is
/// there, writes the sweep's CSV outputs. Returns the exit code.
int merge_files(const std::vector<std::string>& files, const std::filesystem::path& dir, bool quiet,
                std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  std::map<std::uint64_t, PointRecord> points;
  Manifest manifest;
  try {
    for (const auto& f : files) {
      const SweepStore shard(f);
      if (manifest.empty()) {
        manifest = shard.manifest();
      } else if (shard.manifest() != manifest) {
        throw SweepError(f + ": from another sweep than " + files.front() +
                         " (different manifest)");
      }
      for (auto& r : shard.all()) {
        const auto [it, fresh] = points.emplace(r.point, r);
        if (!fresh && !(it->second == r)) {
          throw SweepError(f + ": point " + std::to_string(r.point) +
                           " differs from another shard's");
        }
      }
    }
  } catch (const SweepError& e) {
    err << "negsim merge: " << e.what() << "\n";
    return kInvalidInput;
  }
  std::vector<PointRecord> records;
  for (auto& [p, r] : points) records.push_back(std::move(r));
  const std::size_t expected = static_cast<std::size_t>(std::stoull(manifest.at("points")));
  try {
    fs::create_directories(dir);
    const fs::path target = dir / "sweep.sqlite";
    fs::remove(target);
    Manifest merged = manifest;
    merged["shards"] = "merged from " + std::to_string(files.size()) + " files";
    SweepStore store(target.string(), merged);
    for (const auto& r : records) store.put(r);
  } catch (const std::exception& e) {
    err << "negsim merge: " << e.what() << "\n";
    return kInvalidInput;
  }
  if (!quiet) {
    out << records.size() << " of " << expected << " points from " << files.size() << " files in "
        << (dir / "sweep.sqlite").string() << "\n";
  }
  if (records.size() != expected) {
    err << "negsim merge: " << expected - records.size()
        << " points are missing: run the remaining shards, then merge again\n";
    return kInvalidInput;
  }
  // The design is regenerated from the manifest for the sensitivity indices;
  // a CSV design's table may not be at hand, and its points need no indices.
  Design design;
  try {
    design = generate(load_design_text(manifest.at("design"), "design (from the manifest)"));
  } catch (const ScenarioError&) {
    design.paths = nlohmann::json::parse(manifest.at("parameters")).get<std::vector<std::string>>();
    design.spec.kind = DesignKind::csv;
  }
  write_sweep_outputs(dir, design, records, out, quiet);
  return kOk;
}

#ifdef NEGSIM_WITH_MPI
/// MPI for the life of a sweep, when negsim was launched by mpirun.
class MpiSession {
 public:
  MpiSession() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      MPI_Init(nullptr, nullptr);
      owner_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &place_.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &place_.size);
  }
  ~MpiSession() {
    if (owner_) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  const MpiPlace& place() const { return place_; }
  /// The largest of every rank's value.
  int max(int value) const {
    int out = value;
    MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
  }

 private:
  MpiPlace place_;
  bool owner_ = false;
};
#endif

int sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
#ifdef NEGSIM_WITH_MPI
  MpiSession mpi;
  if (mpi.place().size > 1) {
    // Every rank must reach the reduction, whatever happened to it.
    std::filesystem::path dir;
    int code = kInternalError;
    try {
      code = sweep_shard(args, out, err, &mpi.place(), &dir);
    } catch (const UsageError& e) {
      if (mpi.place().rank == 0) err << "negsim sweep: " << e.what() << "\n";
      code = kUsage;
    } catch (const std::exception& e) {
      err << "negsim sweep (rank " << mpi.place().rank << "): " << e.what() << "\n";
    }
    const int worst = mpi.max(code);
    if (mpi.place().rank != 0) return code;
    if (worst != kOk) return worst;
    std::vector<std::string> files;
    for (int r = 0; r < mpi.place().size; ++r) {
      files.push_back((dir / store_name(static_cast<std::uint64_t>(r),
                                        static_cast<std::uint64_t>(mpi.place().size)))
                          .string());
    }
    return merge_files(files, dir, false, out, err);
  }
#endif
  return sweep_shard(args, out, err, nullptr, nullptr);
}

/// Draws the report of DIR and says what was written and what was skipped.
int make_report(const std::string& dir, bool html, bool quiet, std::ostream& out,
                std::ostream& err) {
  ReportResult r;
  try {
    r = write_report(dir, html);
  } catch (const std::exception& e) {
    err << "negsim report: " << e.what() << "\n";
    return kInvalidInput;
  }
  for (const auto& s : r.skipped) err << "negsim report: skipped " << s << "\n";
  if (!quiet) {
    out << "wrote " << (std::filesystem::path(dir) / "report.md").string();
    if (html) out << ", " << (std::filesystem::path(dir) / "report.html").string();
    out << " and " << r.plots.size() / 2 << " plots in "
        << (std::filesystem::path(dir) / "plots").string() << "\n";
  }
  return kOk;
}

int report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim report DIR [--html] [--quiet]\n\n"
      "Draws the plots of a `negsim run` output directory into DIR/plots (PNG and SVG:\n"
      "outcome probabilities with intervals, cumulative incidence, deal terms, and with\n"
      "runs.csv the convergence of the estimates), adds them to DIR/report.md and, with\n"
      "--html, writes the self-contained DIR/report.html. The plots need Python 3 with\n"
      "matplotlib and pandas (Debian: python3-matplotlib python3-pandas; or set\n"
      "NEGSIM_PYTHON); without them the report says which plots were skipped.\n\nOptions");
  desc.add_options()("help,h", "show this help")("dir", po::value<std::string>()->value_name("DIR"),
                                                 "the output directory of negsim run")(
      "html", "also write report.html, images embedded")("quiet,q", "print only problems");
  po::positional_options_description positional;
  positional.add("dir", 1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("dir")) throw UsageError("missing the output DIR of negsim run");
  return make_report(vm["dir"].as<std::string>(), vm.count("html") > 0, vm.count("quiet") > 0, out,
                     err);
}

int merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim merge DIR|FILE... [--out DIR] [--quiet]\n\n"
      "Combines the shard files of one sweep (shard-I-of-N.sqlite, from directories\n"
      "or named one by one) into DIR/sweep.sqlite, and writes DIR/points.csv and the\n"
      "sensitivity indices when every point is there. The shards must come from the\n"
      "same sweep (same scenario, design, seed and runs).\n\nOptions");
  desc.add_options()("help,h", "show this help")(
      "inputs", po::value<std::vector<std::string>>()->value_name("DIR|FILE"),
      "shard files or directories")("out,o", po::value<std::string>()->value_name("DIR"),
                                    "output directory (default: the first DIR)")(
      "quiet,q", "print nothing but errors");
  po::positional_options_description positional;
  positional.add("inputs", -1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("inputs")) throw UsageError("missing the shard files or directories");
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& in : vm["inputs"].as<std::vector<std::string>>()) {
    if (fs::is_directory(in)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("shard-", 0) == 0 && e.path().extension() == ".sqlite")
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        err << "negsim merge: " << in << ": no shard files (shard-I-of-N.sqlite)\n";
        return kInvalidInput;
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  const fs::path dir = vm.count("out") ? fs::path(vm["out"].as<std::string>())
                       : fs::is_directory(vm["inputs"].as<std::vector<std::string>>().front())
                           ? fs::path(vm["inputs"].as<std::vector<std::string>>().front())
                           : fs::path(files.front()).parent_path();
  // A file named without a directory ("shard-0-of-2.sqlite") is in this one.
  return merge_files(files, dir.empty() ? fs::path(".") : dir, vm.count("quiet") > 0, out, err);
}

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands{{"run", run},           {"sweep", sweep},
                                              {"merge", merge},       {"report", report},
                                              {"validate", validate}, {"trace", trace}};
  return kCommands;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string command;
  try {
    // Global options come before the command; everything after belongs to it.
    std::size_t i = 0;
    for (; i < args.size() && !args[i].empty() && args[i][0] == '-'; ++i) {
      if (args[i] == "--help" || args[i] == "-h") {
        out << kOverview;
        return kOk;
      }
      if (args[i] == "--version") {
        out << "negsim " << kVersion << "\n";
        return kOk;
      }
      throw UsageError("unknown option \"" + args[i] + "\"");
    }
    if (i == args.size()) throw UsageError("missing COMMAND");
    command = args[i];
    std::vector<std::string> names;
    for (const auto& c : commands()) {
      if (c.name == command) {
        return c.run(
            std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end()),
            out, err);
      }
      names.push_back(c.name);
    }
    std::string hint;
    if (auto near = detail::closest_match(command, names))
      hint = " (did you mean \"" + *near + "\"?)";
    const std::string unknown = command;
    command.clear();
    throw UsageError("unknown command \"" + unknown + "\"" + hint);
  } catch (const UsageError& e) {
    const std::string prefix = command.empty() ? "negsim" : "negsim " + command;
    err << prefix << ": " << e.what() << "\n"
        << "Try '" << prefix << " --help'.\n";
    return kUsage;
  } catch (const std::exception& e) {
    err << "negsim: internal error: " << e.what() << "\n";
    return kInternalError;
  }
}

}  // namespace negsim::cli
