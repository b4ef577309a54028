// Plain data types of a negsim scenario (format version 1).
//
// A Scenario is what the loader (scenario_yaml.hpp) produces after parsing
// and validating a YAML file: every default is filled in, every reference
// between agents and issues is resolved to an index, and every number that a
// user might doubt is a Param (a constant or a distribution sampled once per
// run). The model and the engine read these types and nothing else.
//
// The file format is documented in docs/SCENARIO.md; keep the two in step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "negsim/diagnostic.hpp"

namespace negsim {

/// The scenario format version this build reads and writes.
inline constexpr int kFormatVersion = 1;

/// Structural limits. The model keeps per-issue and per-agent state in
/// fixed-size arrays (no heap allocation inside a run), so these bound a
/// scenario; docs/SCENARIO.md lists them.
inline constexpr std::size_t kMaxIssues = 16;
inline constexpr std::size_t kMaxAgents = 32;
inline constexpr int kMaxHorizon = 100'000;

// ---------------------------------------------------------------------------
// Distributions. Each kind stores its parameters as written in the file.

struct Constant {
  double value = 0;
  bool operator==(const Constant&) const = default;
};
struct Uniform {
  double min = 0, max = 1;
  bool operator==(const Uniform&) const = default;
};
/// Normal, optionally truncated to [min, max] (infinite bounds when absent).
struct Normal {
  double mean = 0, sd = 1;
  std::optional<double> min, max;
  bool operator==(const Normal&) const = default;
};
/// Beta(a, b) rescaled from [0, 1] to [min, max].
struct Beta {
  double a = 1, b = 1;
  double min = 0, max = 1;
  bool operator==(const Beta&) const = default;
};
struct Triangular {
  double min = 0, mode = 0.5, max = 1;
  bool operator==(const Triangular&) const = default;
};
/// A discrete choice among values; equal weights when `weights` is empty.
struct Choice {
  std::vector<double> values;
  std::vector<double> weights;
  bool operator==(const Choice&) const = default;
};

/// A number that is either fixed or drawn once per run.
struct Param {
  std::variant<Constant, Uniform, Normal, Beta, Triangular, Choice> dist;
  WrittenAt loc;

  Param() = default;
  Param(double v) : dist(Constant{v}) {}  // NOLINT: a constant reads as a number
  template <class D>
  static Param of(D d) {
    Param p;
    p.dist = std::move(d);
    return p;
  }

  bool is_constant() const { return std::holds_alternative<Constant>(dist); }
  /// The constant's value; only meaningful when is_constant().
  double value() const { return std::get<Constant>(dist).value; }
  /// Smallest and largest values a draw can take (may be infinite).
  double support_min() const;
  double support_max() const;
  /// Name of the distribution kind as written in YAML ("constant", "uniform", ...).
  const char* kind_name() const;

  bool operator==(const Param&) const = default;
};

// ---------------------------------------------------------------------------
// Scenario content.

enum class Role { principal, spoiler, enforcer, mediator };
enum class TextRule { nash, compromise };
/// What happens when a legislature rejects a deal's sanctions relief.
enum class RatificationFailure { resume, phase };

const char* to_string(Role r);
const char* to_string(TextRule r);
const char* to_string(RatificationFailure r);

/// A reference to an agent or issue by name, with its index once resolved.
struct Ref {
  std::string name;
  std::size_t index = 0;
  WrittenAt loc;
  bool operator==(const Ref&) const = default;
};

struct Source {
  std::string id;
  std::string cite;   ///< article, dataset or publisher
  std::string url;    ///< optional
  std::string quote;  ///< optional: the sentence or figure used
  bool operator==(const Source&) const = default;
};

struct Rounds {
  std::string unit = "round";  ///< what one round stands for ("week", ...)
  int horizon = 26;            ///< rounds before the talks end without agreement
  bool operator==(const Rounds&) const = default;
};

/// The mediator's text rule and the talks' procedural parameters.
struct Protocol {
  TextRule rule = TextRule::nash;
  /// Rounds a principal tolerates at its reservation without an acceptable
  /// text before it may walk out (DESIGN §3.4).
  Param walkout_patience = 4;
  /// Per-round probability that such a principal walks out.
  Param walkout_hazard = 0.25;
  /// Share of the remaining distrust removed in a round where every principal
  /// concedes (reciprocity builds trust, Kydd 2006).
  Param trust_gain = 0.02;
  /// Standard deviation, in normalised issue units, of the error in a text
  /// drafted with no skill; a mediator of skill s errs by (1 - s) times this.
  Param text_noise = 0.1;
  bool operator==(const Protocol&) const = default;
};

/// An issue in real units, mapped to [0, 1] by the model.
struct Issue {
  std::string name;
  std::string unit;
  std::string description;
  double min = 0, max = 1;  ///< the range of values a text may take
  double status_quo = 0;    ///< value when the issue is left unsettled
  /// An issue of levels (yes/no, ordered categories), in order: values are
  /// the levels' indices, [0, levels - 1], and a text takes one of them.
  /// Empty: a continuum.
  std::vector<std::string> levels;
  WrittenAt loc;
  bool operator==(const Issue&) const = default;
};

/// A text named in the file (`texts:`), in the issues' units: a fallback a
/// reservation may be measured by, and a text `negsim utilities` values. An
/// issue it leaves out stays at its status quo.
struct NamedText {
  std::string name;
  std::vector<std::optional<double>> values;  ///< per issue (indexed like Scenario::issues)
  WrittenAt loc;
  bool operator==(const NamedText&) const = default;
};

/// A reservation given as the principal's utility of the status quo (or of
/// a named text) plus an offset, instead of a number on the utility scale.
struct ReservationAnchor {
  std::optional<Ref> text;  ///< none: the status quo; else a text of Scenario::texts
  Param plus = 0.0;         ///< added to that utility, in [-1, 1]; the sum is kept in [0, 1]
  bool operator==(const ReservationAnchor&) const = default;
};

/// A bound, in the issue's units, that an agent will not accept a text beyond.
/// Either bound may be uncertain (a distribution drawn once per run): whether
/// a demand is a true red line is often the analyst's doubt.
struct RedLine {
  std::optional<Param> min, max;
  bool operator==(const RedLine&) const = default;
};

/// The most an executive may concede on an issue without its legislature.
/// What the executive may settle on an issue without its legislature: at
/// most `max` (a ceiling, the usual cap: relief beyond it needs Congress),
/// at least `min` (a floor: less restriction than it needs ratification).
struct Cap {
  Ref issue;
  std::optional<Param> max;
  std::optional<Param> min;
  bool operator==(const Cap&) const = default;
};

/// Domestic politics of a principal (Putnam's two-level game).
struct Domestic {
  std::vector<Cap> caps;     ///< executive limits, in issue units
  Param ratification = 0.5;  ///< P(legislature approves a deal above a cap)
  Param pressure = 0.0;      ///< standing economic pressure in [0, 1]
  Param unrest = 0.0;        ///< per-round hazard of domestic unrest
  Param leadership = 0.0;    ///< per-round hazard of a leadership change
  /// Where a new leadership stands, per issue (issue units; absent: a random
  /// step, events.leadership.shift).
  std::vector<std::pair<Ref, Param>> successor;
  bool operator==(const Domestic&) const = default;
};

/// A spoiler's military option (Stedman's spoilers).
struct Strike {
  Param base = 0.01;        ///< per-round hazard when talks are far from agreement
  Param sensitivity = 0.2;  ///< rise of the hazard with progress and with distance
                            ///< of the text from the spoiler's ideal
  Param breakdown = 0.5;    ///< P(a strike ends the talks outright)
  /// Escalation (docs/MODEL.md §6.1): the hazard's rise once the agent's own
  /// deadline has passed, once another agent has struck (drawn in), and with
  /// the text's distance outside its red lines; the chance it answers
  /// another's strike with one of its own (a counter-strike).
  Param after_deadline = 0.0, drawn_in = 0.0, red_lines = 0.0, counter = 0.0;
  bool operator==(const Strike&) const = default;
};

/// An enforcer's threat to restore sanctions at a deadline.
/// What one enforcer's snapback does to one principal (absent: nothing).
struct SnapbackTarget {
  Ref target;
  std::optional<Param> reservation_drop, walkout_hazard, pressure;
  bool operator==(const SnapbackTarget&) const = default;
};

struct Snapback {
  /// Rounds after which the enforcer judges progress (in round deadline + 1),
  /// in [0, horizon - 1].
  Param deadline = 16;
  Param progress_below = 0.5;  ///< snap back if progress is below this, in [0, 1]
  /// The principal whose sanctions return, with the sizes of `events.snapback`
  /// (`target`); or several, each with its own effects (`targets`; then
  /// `target` is empty).
  Ref target;
  std::vector<SnapbackTarget> targets;
  bool operator==(const Snapback&) const = default;
};

/// A mediator's lean toward one party (Kydd's biased mediator).
struct Bias {
  Ref toward;
  Param amount = 0.0;  ///< in [0, 1]
  bool operator==(const Bias&) const = default;
};

/// What a mediator (or its backers) adds to a deal for one principal.
struct Leverage {
  Ref on;       ///< the principal
  Param value;  ///< in [0, 1]: added to its perceived value of every text
  bool operator==(const Leverage&) const = default;
};

/// A principal's trust in one other principal, where it differs from its
/// `trust` (docs/MODEL.md §4.4).
struct TrustIn {
  Ref of;       ///< the other principal
  Param value;  ///< in [0, 1]: the belief that `of` will comply
  bool operator==(const TrustIn&) const = default;
};

struct Influence {
  Ref target;
  /// In [0, 1]: the share of the distance to the agent's ideal that the
  /// target's position moves, in the long run.
  Param weight;
  bool operator==(const Influence&) const = default;
};

// ---------------------------------------------------------------------------
// Fields a mechanism adds to the format (docs/ARCHITECTURE.md): declared by
// the mechanism, handed to the loader (LoadOptions::extensions), read,
// checked and written back like any other field.

/// What an extension field holds.
enum class FieldType {
  number,  ///< a param: a constant or a distribution drawn once per run
  choice,  ///< one word among `choices`
  agent,   ///< the name of another agent of the scenario, a principal
  issues,  ///< a list of issue names, none twice
};

/// One field of an extension block.
struct ExtensionField {
  std::string name;             ///< "rate"
  double min = 0, max = 1;      ///< number: every value a draw can take must lie in [min, max]
  bool whole = false;           ///< number: a whole number (rounds, counts)
  std::optional<double> value;  ///< number: the default; none: required (unless `optional`)
  std::string doc;              ///< what it is, in a few words (for messages and docs)
  FieldType type = FieldType::number;
  std::vector<std::string> choices;  ///< choice: the words allowed; the first is the default
  /// number: bounds (and the default) counted from the talks' horizon: with
  /// `max_from_horizon` = k the largest value is `rounds.horizon` + k.
  std::optional<int> max_from_horizon;
  /// May be left out with no default: the block then holds no value for it.
  bool optional = false;
  bool operator==(const ExtensionField&) const = default;

  /// A param in [min, max] with a default (none: required).
  static ExtensionField number(std::string name, double min, double max,
                               std::optional<double> value, std::string doc) {
    ExtensionField f;
    f.name = std::move(name);
    f.min = min;
    f.max = max;
    f.value = value;
    f.doc = std::move(doc);
    return f;
  }
  /// A whole number of rounds from `min` up to the horizon plus `from_horizon`.
  static ExtensionField rounds(std::string name, double min, int from_horizon,
                               std::optional<double> value, std::string doc) {
    ExtensionField f = number(std::move(name), min, min, value, std::move(doc));
    f.whole = true;
    f.max_from_horizon = from_horizon;
    return f;
  }
  /// One word among `choices`, the first the default.
  static ExtensionField choice(std::string name, std::vector<std::string> choices,
                               std::string doc) {
    ExtensionField f;
    f.name = std::move(name);
    f.type = FieldType::choice;
    f.choices = std::move(choices);
    f.doc = std::move(doc);
    return f;
  }
  /// The name of a principal other than the agent itself (required).
  static ExtensionField principal(std::string name, std::string doc) {
    ExtensionField f;
    f.name = std::move(name);
    f.type = FieldType::agent;
    f.doc = std::move(doc);
    return f;
  }
  /// A list of issue names (none twice); left out: the empty list.
  static ExtensionField issue_list(std::string name, std::string doc) {
    ExtensionField f;
    f.name = std::move(name);
    f.type = FieldType::issues;
    f.doc = std::move(doc);
    return f;
  }
  /// The same field, which may be left out with no value.
  ExtensionField or_absent() const {
    ExtensionField f = *this;
    f.optional = true;
    return f;
  }
};

/// A block of fields: `agents.NAME.<block>` for agents of the given roles,
/// or, with no roles, `mechanisms.<block>` for the talks.
struct ExtensionBlock {
  std::string name;         ///< "fatigue"
  std::vector<Role> roles;  ///< agent block for these roles; empty: a block of the talks
  std::vector<ExtensionField> fields;
  std::string doc;
  /// A field that a lone number or distribution in place of the block sets,
  /// the others taking their defaults (`concession: 0.05` is
  /// `concession: {rate: 0.05}`). Empty: the block must be a mapping.
  std::string shorthand;
  /// An agent block that every agent of its roles has, with its defaults
  /// when the file leaves it out (a block of the talks always does).
  bool always = false;
  bool operator==(const ExtensionBlock&) const = default;

  /// The declared default of a number field (a scenario built in code may
  /// lack the block; a mechanism then draws this). Throws std::logic_error
  /// for a field the block does not declare with a default.
  Param default_of(std::string_view field) const;
};

/// One field of an extension block as read (defaults filled in).
struct ExtensionValue {
  std::string name;
  FieldType type = FieldType::number;
  Param number;             ///< number
  std::string word;         ///< choice
  Ref agent;                ///< agent
  std::vector<Ref> issues;  ///< issues
  bool operator==(const ExtensionValue&) const = default;
};

/// An extension block as read: its fields' values, in the block's order (a
/// field declared `optional` and left out has none).
using ExtensionValues = std::vector<ExtensionValue>;

struct Agent {
  std::string name;
  std::string description;
  Role role = Role::principal;
  Param capability = 1.0;   ///< bargaining power, >= 0 (mediators have none)
  Param risk = 1.0;         ///< risk exponent gamma of the utility, in [0.25, 4]
  Param reservation = 0.3;  ///< utility of no deal (BATNA), in [0, 1]
  /// When given, the reservation is this utility plus an offset instead.
  std::optional<ReservationAnchor> reservation_of;
  Param trust = 0.5;  ///< belief that the other side complies, in [0, 1]
  /// Per other principal, where the belief differs from `trust`.
  std::vector<TrustIn> trust_in;
  /// Per issue (indexed like Scenario::issues). An absent ideal means the agent
  /// has no position on that issue; its salience there is then zero.
  std::vector<std::optional<Param>> ideal;
  std::vector<Param> salience;  ///< per issue, >= 0, normalised by the model
  std::vector<RedLine> red_lines;
  std::vector<Influence> influence;
  std::optional<Domestic> domestic;  ///< principals only
  std::optional<Strike> strike;      ///< spoilers, and principals that also strike
  std::optional<Snapback> snapback;  ///< enforcers only
  std::optional<Bias> bias;          ///< mediators only
  Param skill = 0.5;                 ///< mediators: in [0, 1]
  /// Mediators: the share of each principal's remaining distrust that the
  /// mediator's guarantee of compliance removes, in [0, 1].
  Param guarantee = 0.0;
  std::vector<Leverage> leverage;  ///< mediators: per principal
  /// Extension blocks given for this agent (block name, values).
  std::vector<std::pair<std::string, ExtensionValues>> extensions;
  WrittenAt loc;
  bool operator==(const Agent&) const = default;
};

/// Which issues a deal settles. The full deal settles every issue.
struct Deals {
  std::vector<Ref> interim;  ///< empty: no interim deal is on the table
  bool operator==(const Deals&) const = default;
};

/// Magnitudes of the events' effects (their hazards live on the agents).
struct Events {
  Param strike_trust_shock = 0.3;         ///< trust lost by each principal on a strike
  Param snapback_reservation_drop = 0.1;  ///< target's reservation falls by this
  Param snapback_walkout_hazard = 0.05;   ///< extra per-round walk-out hazard after snapback
  Param unrest_pressure = 0.3;            ///< pressure added by unrest
  Param leadership_shift = 0.1;           ///< sd of the ideal redraw on a leadership change
  RatificationFailure ratification_failure = RatificationFailure::resume;
  Param ratification_trust_shock = 0.2;  ///< trust lost when ratification fails
  bool operator==(const Events&) const = default;
};

struct Scenario {
  int version = kFormatVersion;
  std::string name;
  std::string description;
  std::vector<Source> sources;
  std::uint64_t seed = 1;
  Rounds rounds;
  Protocol protocol;
  std::vector<Issue> issues;
  std::vector<NamedText> texts;
  std::vector<Agent> agents;
  Deals deals;
  Events events;
  /// Extension blocks of the talks (`mechanisms:`), block name and values.
  std::vector<std::pair<std::string, ExtensionValues>> extensions;
  /// The file it was read from, for messages; not part of the value.
  WrittenAt loc;

  bool operator==(const Scenario&) const = default;

  /// Index of the issue or agent with this name, if any.
  std::optional<std::size_t> issue_index(std::string_view name) const;
  /// The value of an extension field of an agent (or, with agent -1, of the
  /// talks), or null when the scenario does not give that block or value.
  const ExtensionValue* extension_value(int agent, std::string_view block,
                                        std::string_view field) const;
  /// The same for a number field (null also when the field is not a number).
  const Param* extension(int agent, std::string_view block, std::string_view field) const;
  std::optional<std::size_t> agent_index(std::string_view name) const;
};

}  // namespace negsim
