/// Walks a parsed configuration document and collects every problem it finds.
///
/// Reading never stops at the first problem: each accessor reports what is wrong and returns nil,
/// and the caller carries on, so one run of `vigil check` lists everything to fix.
final class ConfigurationReader {
    private(set) var problems: [ConfigurationProblem] = []
    /// The id of each list element read with ``element(_:at:keys:)`` that has a string `id`, by its path.
    private var names: [String: String] = [:]

    /// Records a problem at the JSON path `path`; it is shown with the ids of the list elements it is in.
    func report(_ path: String, line: Int?, _ message: String, hint: String = "") {
        problems.append(ConfigurationProblem(path: path, shownPath: shownPath(path), line: line, message: message, hint: hint))
    }

    /// `path` with the quoted id of each named list element it is at or under: `groups[0] ("g3").cameras`.
    func shownPath(_ path: String) -> String {
        let named = names.keys.filter { element in
            path == element || path.hasPrefix(element + ".") || path.hasPrefix(element + "[")
        }
        var shown = path
        // Longest first: a name added after a longer element leaves the shorter ones' ends in place.
        for element in named.sorted(by: { $0.count > $1.count }) {
            shown.insert(contentsOf: " (\(names[element]!.quotedAndEscaped()))", at: shown.index(shown.startIndex, offsetBy: element.count))
        }
        return shown
    }

    /// Views a list element as ``object(_:at:keys:)`` does and, when it has a string `id`, names it
    /// by that id in every problem reported at or under `path`, cross-checks included.
    func element(_ node: JSONNode, at path: String, keys: [String]) -> ConfigurationObject? {
        if case .object(let members) = node.value, case .string(let id)? = members.first(where: { $0.key == "id" })?.value.value {
            names[path] = id
        }
        return object(node, at: path, keys: keys)
    }

    /// Views `node` as an object whose keys must be among `keys`; reports a wrong type, duplicate
    /// keys and unknown keys (suggesting the nearest known one).
    func object(_ node: JSONNode, at path: String, keys: [String]) -> ConfigurationObject? {
        guard case .object(let members) = node.value else {
            report(path, line: node.line, "must be an object, found \(node.kindDescription)", hint: "write it as { \"key\": value, ... }")
            return nil
        }
        var byKey: [String: JSONNode.Member] = [:]
        for member in members {
            let memberPath = ConfigurationObject.join(path, member.key)
            if byKey[member.key] != nil {
                report(memberPath, line: member.line, "appears twice in the same object", hint: "keep one of them")
                continue
            }
            guard keys.contains(member.key) else {
                let suggestion = Self.nearest(member.key, in: keys).map { "did you mean \"\($0)\"? " } ?? ""
                report(
                    memberPath, line: member.line, "is not a known key",
                    hint: "\(suggestion)known keys here: \(keys.joined(separator: ", "))")
                continue
            }
            byKey[member.key] = member
        }
        return ConfigurationObject(path: path, line: node.line, members: byKey, reader: self)
    }

    /// The known key closest to `key` by edit distance, if it is close enough to be a typo.
    static func nearest(_ key: String, in keys: [String]) -> String? {
        let lowered = key.lowercased().replacingAll("-", with: "_")
        var best: (String, Int)?
        for candidate in keys {
            let distance = editDistance(Array(lowered.utf8), Array(candidate.utf8))
            if distance <= max(2, candidate.count / 3), best == nil || distance < best!.1 {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
