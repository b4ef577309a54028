#include "negsim/detail/yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace negsim::detail {
namespace {

[[noreturn]] void fail(SourceLoc loc, std::string message) {
  throw ScenarioError({Diagnostic{std::move(loc), "", std::move(message)}});
}

class Converter {
 public:
  Converter(std::string origin, const ParseLimits& limits, bool located)
      : origin_(std::move(origin)), limits_(limits), located_(located) {}

  SourceLoc loc_of(const YAML::Mark& m, const SourceLoc& fallback) const {
    if (!located_) return SourceLoc{origin_, 0, 0};
    if (m.is_null() || m.line < 0) return fallback;
    return SourceLoc{origin_, m.line + 1, m.column + 1};
  }

  YNode convert(const YAML::Node& n, const SourceLoc& fallback, std::size_t depth) {
    YNode out;
    out.loc = loc_of(n.Mark(), fallback);
    if (++nodes_ > limits_.max_nodes) {
      fail(out.loc, "document expands to more than " + std::to_string(limits_.max_nodes) +
                        " values (are YAML aliases expanding exponentially?)");
    }
    if (depth > limits_.max_depth) {
      fail(out.loc, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = YNode::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        out.kind = YNode::Kind::scalar;
        out.scalar = n.Scalar();
        // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
        out.quoted = n.Tag() == "!";
        break;
      case YAML::NodeType::Sequence:
        out.kind = YNode::Kind::sequence;
        out.items.reserve(n.size());
        for (const auto& item : n) out.items.push_back(convert(item, out.loc, depth + 1));
        break;
      case YAML::NodeType::Map:
        out.kind = YNode::Kind::map;
        for (const auto& kv : n) {
          YNode key = convert(kv.first, out.loc, depth + 1);
          YNode value = convert(kv.second, key.loc, depth + 1);
          out.entries.emplace_back(std::move(key), std::move(value));
        }
        break;
    }
    return out;
  }

 private:
  std::string origin_;
  ParseLimits limits_;
  bool located_;
  std::size_t nodes_ = 0;
};

/// The position of a ',' outside every flow collection that follows a
/// complete node (a quoted scalar, a flow collection) or opens a document
/// (after any anchor or tag). In block context such a ',' is never valid
/// YAML, and yaml-cpp 0.7 loops forever on some of them (found by fuzzing the
/// loader), so the text is refused before the parser sees it.
std::optional<std::pair<int, int>> stray_comma(std::string_view text) {
  int line = 1, col = 0;  // of the character at i
  int depth = 0;          // of flow collections
  bool after_node = false, doc_start = true, line_start = true;
  int line_indent = 0, block_indent = -1;  // block scalar: skip deeper lines
  auto at = [&](std::size_t k) { return k < text.size() ? text[k] : '\n'; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      col = 0;
      line_start = true;
      line_indent = 0;
      continue;
    }
    ++col;
    if (line_start) {
      if (c == ' ') {
        ++line_indent;
        continue;
      }
      line_start = false;
      if (block_indent >= 0) {
        if (line_indent > block_indent) {  // inside a block scalar: skip the line
          while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
          continue;
        }
        block_indent = -1;
      }
      if (col == line_indent + 1 && line_indent == 0 &&
          (text.substr(i, 3) == "---" || text.substr(i, 3) == "...")) {
        doc_start = true;
        after_node = false;
        i += 2;
        col += 2;
        continue;
      }
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || col == 1)) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '%' && col == 1 && doc_start) {  // a directive
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == ',' && depth == 0 && (after_node || doc_start)) return std::make_pair(line, col);
    const bool token_start =
        i == 0 || std::string_view(" \t\n[{,:-?").find(text[i - 1]) != std::string_view::npos;
    // Node properties: an anchor or a tag, also glued to the node before it.
    if ((c == '&' || c == '!') && (token_start || after_node || doc_start)) {
      while (i + 1 < text.size() &&
             std::string_view(" \t\r\n,[]{}").find(text[i + 1]) == std::string_view::npos) {
        ++i;
        ++col;
      }
      continue;
    }
    doc_start = false;
    if ((c == '"' || c == '\'') && token_start) {
      for (++i; i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++line;
          col = 0;
        } else {
          ++col;
        }
        if (c == '"' && text[i] == '\\') {
          ++i;
          ++col;
        } else if (text[i] == c) {
          if (c == '\'' && at(i + 1) == '\'') {
            ++i;
            ++col;
          } else {
            break;
          }
        }
      }
      after_node = depth == 0;
      continue;
    }
    if ((c == '|' || c == '>') && token_start && depth == 0) {
      block_indent = line_indent;
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;  // indicators and comment
      after_node = false;
      continue;
    }
    if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
      after_node = depth == 0;
      continue;
    }
    after_node = false;
  }
  return std::nullopt;
}

}  // namespace

const YNode* YNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_scalar() && k.scalar == key) return &v;
  }
  return nullptr;
}

YNode* YNode::find(std::string_view key) {
  return const_cast<YNode*>(static_cast<const YNode&>(*this).find(key));
}

YNode parse_yaml_text(std::string_view text, const std::string& origin, const ParseLimits& limits,
                      bool located) {
  // YAML text may not hold control characters but tab, LF and CR (YAML 1.2,
  // 5.1); yaml-cpp misreads some (a NUL, say) and can loop forever.
  for (std::size_t i = 0, line = 1, col = 1; i < text.size(); ++i, ++col) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      col = 0;
    } else if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      // YAML reads a lone CR as a line break; yaml-cpp reads it as text
      // (misplacing every later line) and can loop forever on it.
      fail(SourceLoc{origin, located ? static_cast<int>(line) : 0,
                     located ? static_cast<int>(col) : 0},
           "malformed YAML: carriage return (0x0D) not followed by a line feed (negsim reads "
           "LF or CRLF line endings; convert the file, e.g. with `tr '\\r' '\\n'`)");
    } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", c);
      fail(SourceLoc{origin, located ? static_cast<int>(line) : 0,
                     located ? static_cast<int>(col) : 0},
           "malformed YAML: control character " + std::string(byte) +
               " (YAML text may not contain it)");
    }
  }
  if (const auto comma = stray_comma(text)) {
    fail(SourceLoc{origin, located ? comma->first : 0, located ? comma->second : 0},
         "malformed YAML: ',' outside a flow collection ([...] or {...})");
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    SourceLoc loc{origin, located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0};
    fail(loc, "nesting too deep for the YAML parser (more than " + std::to_string(e.depth()) +
                  " levels; a scenario needs fewer than " + std::to_string(limits.max_depth) + ")");
  } catch (const YAML::ParserException& e) {
    SourceLoc loc{origin, located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0};
    fail(loc, "malformed YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail(SourceLoc{origin, 0, 0}, std::string("malformed YAML: ") + e.what());
  }
  SourceLoc start{origin, located ? 1 : 0, located ? 1 : 0};
  if (docs.empty()) return YNode{YNode::Kind::null, "", false, start, {}, {}};
  if (docs.size() > 1) {
    Converter c(origin, limits, located);
    fail(c.loc_of(docs[1].Mark(), start), "more than one YAML document (got " +
                                              std::to_string(docs.size()) +
                                              ", expected one scenario per file)");
  }
  Converter converter(origin, limits, located);
  return converter.convert(docs.front(), start, 0);
}

YNode parse_yaml_file(const std::string& path, const ParseLimits& limits) {
  namespace fs = std::filesystem;
  SourceLoc where{path, 0, 0};
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) fail(where, "file does not exist");
  if (fs::is_directory(status)) fail(where, "is a directory, not a scenario file");
  if (!fs::is_regular_file(status)) fail(where, "is not a regular file");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limits.max_file_bytes) {
    fail(where, "file too large (got " + std::to_string(size) + " bytes, expected at most " +
                    std::to_string(limits.max_file_bytes) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(where, "cannot be read: " + std::error_code(errno, std::generic_category()).message());
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) fail(where, "read error");
  const std::string text = buf.str();
  YNode root = parse_yaml_text(text, path, limits, true);
  if (root.is_null()) fail(SourceLoc{path, 1, 1}, "file is empty (expected a scenario mapping)");
  return root;
}

std::string describe(const YNode& node) {
  switch (node.kind) {
    case YNode::Kind::null:
      return "nothing";
    case YNode::Kind::sequence:
      return "a list";
    case YNode::Kind::map:
      return "a mapping";
    case YNode::Kind::scalar:
      break;
  }
  std::string text = node.scalar;
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  if (node.quoted) return "\"" + text + "\"";
  return text;
}

}  // namespace negsim::detail
