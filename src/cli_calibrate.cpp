// `negsim calibrate`: history matching of a scenario's free parameters to
// targets (docs/CALIBRATION.md).
#include <sys/resource.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <tuple>

#include "negsim/calibrate.hpp"
#include "negsim/detail/cli_common.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/report.hpp"
#include "negsim/scenario_yaml.hpp"
#include "negsim/sweep_store.hpp"

namespace negsim::cli {

int command_calibrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim calibrate FILE --targets TARGETS.yaml [--out DIR] [--seed S]\n"
      "                        [--threads T] [--check-runs N] [--set PATH=VALUE ...] [--report]\n"
      "                        [--quiet]\n\n"
      "Finds the values of the scenario's free parameters (named in TARGETS.yaml with\n"
      "their prior ranges) whose forecasts agree with the targets (beliefs such as an\n"
      "expert's probability of a deal, each with a tolerance), by history matching in\n"
      "waves: each wave runs a Latin hypercube of points over the region not yet ruled\n"
      "out and keeps the points whose implausibility is at most the cut\n"
      "(docs/CALIBRATION.md). Writes DIR/points.csv, non-implausible.csv, ranges.csv,\n"
      "targets.csv, calibration.json and calibration.sqlite, and DIR/calibrated.yaml (a\n"
      "variant of FILE with the parameters over the kept region), which it then runs\n"
      "into DIR/summary.json and report.md. Each wave is stored as it runs: the same\n"
      "command resumes after an interruption. With --shard I/N each process runs every\n"
      "N-th point of each wave and reads the others' from DIR (a shared file system),\n"
      "waiting --wait seconds for them; exit code 75 when it stopped waiting (run it\n"
      "again to go on). Exit code 4 when no point survives (the report says which\n"
      "targets conflict).\n\nOptions");
  add_help_and_file(desc);
  desc.add_options()                                                       //
      ("targets,t", po::value<std::string>()->value_name("TARGETS.yaml"),  //
       "the targets and free parameters (required)")                       //
      ("out,o", po::value<std::string>()->value_name("DIR")->default_value("negsim-calibration"),
       "output directory (created if missing)")                                               //
      ("seed", po::value<std::string>()->value_name("S"),                                     //
       "the runs' random seed (default: the scenario's)")                                     //
      ("threads", po::value<std::string>()->value_name("T"), "threads (default: all cores)")  //
      ("check-runs", po::value<std::string>()->value_name("N")->default_value("10000"),
       "runs of the calibrated variant")  //
      ("shard", po::value<std::string>()->value_name("I/N"),
       "run shard I of N of each wave (default: SLURM_ARRAY_TASK_ID of "
       "SLURM_ARRAY_TASK_COUNT); shard 0 writes the outputs")  //
      ("wait", po::value<std::string>()->value_name("SECONDS")->default_value("0"),
       "with --shard: how long to wait for the other shards to finish a wave")  //
      ("report", "also draw the plots and write report.html")                   //
      ("quiet,q", "no progress and no tables on the terminal");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  if (!vm.count("targets")) throw UsageError("missing --targets TARGETS.yaml");
  const std::uint64_t check_runs = parse_count("check-runs", vm["check-runs"].as<std::string>());
  if (check_runs == 0) throw UsageError("--check-runs: at least 1 (got 0)");
  const int threads = read_threads(vm);
  std::uint64_t shard = 0, shards = 1;
  if (vm.count("shard")) {
    std::tie(shard, shards) = parse_shard(vm["shard"].as<std::string>());
  } else if (auto slurm = slurm_shard()) {
    std::tie(shard, shards) = *slurm;
  }
  const std::uint64_t wait = parse_count("wait", vm["wait"].as<std::string>());
  if (wait > 0 && shards == 1) throw UsageError("--wait needs --shard I/N (N > 1)");
  const bool quiet = vm.count("quiet") > 0;
  const std::string file = vm["file"].as<std::string>();
  const std::string targets_file = vm["targets"].as<std::string>();
  const auto loaded = load_for_command(vm, file, err);
  if (!loaded) return kInvalidInput;
  CalibrationSpec spec;
  try {
    spec = load_targets(targets_file);
    resolve(spec, model::Negotiation(loaded->scenario));
  } catch (const ScenarioError& e) {
    print_problems(err, e, targets_file);
    return kInvalidInput;
  }

  namespace fs = std::filesystem;
  const fs::path dir = vm["out"].as<std::string>();
  if (!prepare_output_dir(dir.string(), err, "negsim calibrate: ")) return kInvalidInput;

  CalibrateOptions options;
  options.scenario_file = file;
  options.source = loaded->source;
  options.overrides = overrides_of(vm);
  options.seed = seed_of(vm, loaded->scenario);
  options.threads = threads;
  options.out_dir = dir.string();
  options.shard = shard;
  options.shards = shards;
  options.wait_seconds = static_cast<double>(wait);
  ProgressReport bar(err, quiet, ::isatty(STDERR_FILENO) == 1, "points");
  int shown_wave = 0;
  options.progress = [&](int wave, std::size_t done, std::size_t total) {
    if (wave != shown_wave) {
      bar.finish();
      if (!quiet) err << "negsim calibrate: wave " << wave << "\n";
      shown_wave = wave;
    }
    bar.update(done, total, false);
  };
  InterruptGuard guard;
  options.cancel = &g_interrupted;
  Calibration c;
  try {
    c = calibrate(spec, options);
  } catch (const ScenarioError& e) {
    bar.finish();
    for (const auto& d : e.diagnostics()) err << d.str() << "\n";
    err << "negsim calibrate: design points give invalid scenarios; nothing more was run\n";
    return kInvalidInput;
  } catch (const std::exception& e) {
    bar.finish();
    err << "negsim calibrate: " << e.what() << "\n";
    return kInvalidInput;
  }
  bar.finish();
  if (c.waiting_wave && !c.cancelled) {
    err << "negsim calibrate: shard " << shard << "/" << shards << ": wave " << c.waiting_wave
        << " is done here; waiting for";
    for (const auto& f : c.waiting_for) err << " " << f;
    err << "; run this command again (any shard) when they are done\n";
    return kTryAgain;
  }
  if (c.cancelled) {
    err << "negsim calibrate: interrupted; the finished points are stored in " << dir.string()
        << "; run the same command to resume\n";
    return 130;
  }

  if (shard != 0) {
    if (!quiet) {
      out << "shard " << shard << "/" << shards << ": all " << c.waves.size()
          << " waves done; shard 0 writes the outputs in " << dir.string() << "\n";
    }
    return kOk;
  }
  const std::string md = calibration_markdown(c);
  try {
    write_atomically((dir / "points.csv").string(), calibration_points_csv(c, false));
    write_atomically((dir / "non-implausible.csv").string(), calibration_points_csv(c, true));
    write_atomically((dir / "ranges.csv").string(), calibration_ranges_csv(c));
    write_atomically((dir / "targets.csv").string(), calibration_targets_csv(c));
    write_atomically((dir / "calibration.json").string(), calibration_json(c));
    write_atomically((dir / "calibration.md").string(), md);
    write_calibration_sqlite(c, (dir / "calibration.sqlite").string());
  } catch (const std::exception& e) {
    err << "negsim calibrate: " << e.what() << "\n";
    return kInvalidInput;
  }
  if (!quiet) out << md;
  if (c.kept == 0) {
    if (!quiet) {
      out << "\nwrote " << (dir / "calibration.md").string() << " and the points in "
          << dir.string() << "\n";
    }
    return kNoPointSurvives;
  }

  // The calibrated variant: written, read back as any scenario file, run.
  const fs::path variant_path = dir / "calibrated.yaml";
  const std::string base = fs::relative(fs::absolute(file), fs::absolute(dir)).generic_string();
  try {
    write_atomically(variant_path.string(),
                     calibrated_variant(c, loaded->source, options.overrides, base));
  } catch (const std::exception& e) {
    err << "negsim calibrate: " << e.what() << "\n";
    return kInvalidInput;
  }
  Scenario calibrated;
  std::string variant_bytes;
  try {
    const ScenarioSource source = read_scenario_source(variant_path.string());
    variant_bytes = source.bytes;
    calibrated = load_scenario(source);
  } catch (const ScenarioError& e) {
    print_problems(err, e, variant_path.string());
    err << "negsim calibrate: the calibrated variant does not validate (a bug: please report "
           "it)\n";
    return kInternalError;
  }
  EngineOptions eo;
  eo.seed = options.seed;
  eo.runs = check_runs;
  eo.threads = threads;
  eo.cancel = &g_interrupted;
  const auto start = std::chrono::steady_clock::now();
  const model::Negotiation negotiation(calibrated);
  const EngineResult result = simulate(negotiation, eo);
  Provenance prov;
  prov.scenario_file = variant_path.string();
  prov.scenario_sha1 = sha1_hex(variant_bytes);
  prov.resolved_sha1 = sha1_hex(to_yaml(calibrated));
  prov.seed = eo.seed;
  prov.threads = result.threads;
  prov.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  prov.date = utc_now();
  prov.stopping = "fixed";
  prov.max_runs = eo.max_runs;
  prov.cancelled = result.cancelled;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  prov.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  try {
    write_atomically((dir / "summary.json").string(),
                     summary_json(negotiation, result.tally, prov));
    write_atomically((dir / "report.md").string(),
                     report_markdown(negotiation, result.tally, prov) + "\n" + md);
  } catch (const std::exception& e) {
    err << "negsim calibrate: " << e.what() << "\n";
    return kInvalidInput;
  }
  if (!quiet) {
    out << "\nThe calibrated variant (" << variant_path.string() << "), " << result.tally.runs
        << " runs:\n\n"
        << headline_table(result.tally) << "\nwrote " << dir.string()
        << "/{points,non-implausible,ranges,targets}.csv, calibration.{json,md,sqlite}, "
           "calibrated.yaml, summary.json, report.md\n";
  }
  if (vm.count("report")) {
    try {
      const ReportResult r = write_report(dir.string(), true);
      for (const auto& s : r.skipped) err << "negsim report: skipped " << s << "\n";
      if (!quiet) out << "wrote " << (dir / "report.html").string() << "\n";
    } catch (const std::exception& e) {
      err << "negsim report: " << e.what() << "\n";
      return kInvalidInput;
    }
  }
  if (result.cancelled) return 130;
  return kOk;
}

}  // namespace negsim::cli
