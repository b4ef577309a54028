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

#include "negsim/detail/cli_common.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/engine.hpp"
#include "negsim/model.hpp"
#include "negsim/report.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/score.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "negsim/version.hpp"

#ifdef NEGSIM_WITH_MPI
#include <mpi.h>
#endif

namespace negsim::cli {
namespace {

/// Draws the report of DIR and says what was written and what was skipped.
int make_report(const std::string& dir, bool html, bool quiet, std::ostream& out,
                std::ostream& err);

/// What `run` and `score` share once their options are parsed: simulate,
/// score against the observed course if one is given, write the outputs
/// (score: only with --out) and print the headline table or the scores.
int simulate_and_write(const po::variables_map& vm, const char* command, bool scoring,
                       std::ostream& out, std::ostream& err);

}  // namespace

int command_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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

int command_trace(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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

int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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
      ("observed", po::value<std::string>()->value_name("OBS.yaml"),
       "also score the forecast against what happened (docs/SCORING.md)")  //
      ("block", po::value<std::string>()->value_name("B")->default_value("256"),
       "runs per parallel task (does not change any result)")  //
      ("quiet,q", "no progress and no table on the terminal");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }

  return simulate_and_write(vm, "run", false, out, err);
}

int command_score(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim score FILE --observed OBS.yaml [--runs N | --precision P] [--seed S]\n"
      "                    [--threads T] [--out DIR] [--set PATH=VALUE ...] [--format "
      "text|json]\n\n"
      "Simulates the scenario and scores its forecast against what happened, as the\n"
      "observed-course file OBS.yaml records it (docs/SCORING.md): the probability it\n"
      "gave the observed outcome, by the observed round, and each observed event; the\n"
      "Brier, log and ranked probability scores with their Monte Carlo errors; skill\n"
      "against the uniform forecast and the references the file lists. With --out, also\n"
      "writes DIR/summary.json and DIR/report.md with the scores.\n\nOptions");
  std::string format;
  add_help_and_file(desc);
  add_run_count_options(desc, false);
  desc.add_options()  //
      ("observed", po::value<std::string>()->value_name("OBS.yaml"),
       "the observed-course file (required)")  //
      ("out,o", po::value<std::string>()->value_name("DIR"),
       "also write summary.json and report.md here (created if missing)")  //
      ("block", po::value<std::string>()->value_name("B")->default_value("256"),
       "runs per parallel task (does not change any result)")  //
      ("quiet,q", "no progress on the terminal");
  add_format_option(desc, format, {"text", "json"}, "text (Markdown tables) or json");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  if (!vm.count("observed")) throw UsageError("missing --observed OBS.yaml");
  return simulate_and_write(vm, "score", true, out, err);
}

namespace {

int simulate_and_write(const po::variables_map& vm, const char* command, bool scoring,
                       std::ostream& out, std::ostream& err) {
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
  const std::string prefix = std::string("negsim ") + command + ": ";
  const model::Negotiation negotiation(*scenario);

  // The observed course is read and checked against the scenario before
  // anything runs: a wrong file costs no simulation and writes nothing.
  std::optional<ObservedCourse> course;
  if (vm.count("observed")) {
    const std::string observed = vm["observed"].as<std::string>();
    try {
      course = load_observed(observed);
      resolve(*course, negotiation);
    } catch (const ScenarioError& e) {
      print_problems(err, e, observed);
      return kInvalidInput;
    }
  }

  // The output directory is checked before the simulation, not after it.
  namespace fs = std::filesystem;
  const bool write = vm.count("out") > 0;
  const fs::path dir = write ? vm["out"].as<std::string>() : std::string();
  if (write && !prepare_output_dir(dir.string(), err, prefix)) return kInvalidInput;

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
      err << prefix << "cannot write " << csv_tmp << "\n";
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
    err << prefix << e.what() << "\n";
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
  std::optional<Score> scored;
  if (course) scored = score(*course, negotiation, result.tally);
  const Score* score_of_run = scored ? &*scored : nullptr;
  try {
    if (want_csv) {
      csv.close();
      if (!csv) throw std::runtime_error("cannot write " + csv_tmp + " (disk full?)");
      fs::rename(csv_tmp, csv_path);
    }
    if (write) {
      write_atomically((dir / "summary.json").string(),
                       summary_json(negotiation, result.tally, prov, score_of_run));
      write_atomically((dir / "report.md").string(),
                       report_markdown(negotiation, result.tally, prov, score_of_run));
    }
  } catch (const std::exception& e) {
    err << prefix << e.what() << "\n";
    return kInvalidInput;
  }
  if (scoring) {
    if (vm["format"].as<std::string>() == "json") {
      out << score_json(*scored) << "\n";
    } else {
      out << scenario->name << ": " << result.tally.runs << " runs, seed " << options.seed << "\n\n"
          << score_markdown(*scored);
      if (write) {
        out << "\nwrote " << (dir / "summary.json").string() << ", " << (dir / "report.md").string()
            << "\n";
      }
    }
  } else if (!quiet) {
    out << scenario->name << ": " << result.tally.runs << " runs, seed " << options.seed << ", "
        << result.threads << " threads, " << detail::format_number(std::round(seconds * 100) / 100)
        << " s\n\n"
        << headline_table(result.tally) << "\nwrote " << (dir / "summary.json").string() << ", "
        << (dir / "report.md").string() << (want_csv ? ", " + csv_path : std::string()) << "\n";
    if (scored) {
      out << "\nAgainst " << course->file << ": P(observed " << scored->outcome
          << ") = " << detail::fixed(100 * scored->p_outcome.estimate, 1) << "%, Brier "
          << detail::fixed(scored->negsim.brier.value, 3) << " (uniform "
          << detail::fixed(scored->references.front().brier.value, 3) << "); the scores are in "
          << (dir / "report.md").string() << "\n";
    }
  }
  if (vm.count("report") && !result.cancelled) {
    if (const int code = make_report(dir.string(), true, quiet, out, err); code != kOk) return code;
  }
  if (result.cancelled) {
    err << prefix << "interrupted after " << result.tally.runs
        << " runs; the outputs hold those runs\n";
    return 130;
  }
  return kOk;
}

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

}  // namespace

int command_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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

}  // namespace negsim::cli
