// libFuzzer target FuzzConfiguration: a configuration file's bytes, read by
// `ConfigurationLoader.parse(_:file:)` exactly as `vigil run`, `vigil check` and SIGHUP read the file.
//
// Run every target: `scripts/fuzz [SECONDS]` from the repository root. This one alone, once built:
//   Fuzz/.build/release/FuzzConfiguration -dict=Fuzz/Dictionaries/FuzzConfiguration.dict DIR
// where DIR is a copy of Fuzz/Corpus/FuzzConfiguration/ (libFuzzer adds the inputs it finds to it).
// Seeds: config.example.json and small configurations, valid and not.
import FuzzSupport
import VigilCore

/// libFuzzer's entry point: one input, checked. Always 0 (the input may join the corpus).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    ConfigurationTarget.run(FuzzInput.bytes(data, size))
    return 0
}

/// What holds for any file: it is a configuration that passed every check `VigilConfiguration`
/// promises (ids unique, references resolved, groups of four different cameras of one client, a
/// camera in one group at most), or an error listing at least one problem, each printed on one line
/// with no control character from the file.
enum ConfigurationTarget {
    static func run(_ bytes: [UInt8]) {
        do {
            check(try ConfigurationLoader.parse(bytes, file: "fuzz.json"))
        } catch {
            check(error)
        }
    }

    static func check(_ error: ConfigurationError) {
        invariant(!error.problems.isEmpty, "a configuration error with no problem")
        for problem in error.problems {
            let shown = problem.description
            invariant(!shown.unicodeScalars.contains(where: isControl), "a problem prints a control character: \(shown.debugDescription)")
            if let line = problem.line {
                invariant(line >= 1, "a problem on line \(line): \(shown)")
            }
        }
        let lineBreaks = error.description.utf8.filter { $0 == 0x0A }.count
        invariant(
            lineBreaks == error.problems.count, "\(error.problems.count) problems printed on \(lineBreaks + 1) lines: \(error.description)")
    }

    static func check(_ configuration: VigilConfiguration) {
        let clientIDs = configuration.clients.map(\.id)
        invariant(Set(clientIDs).count == clientIDs.count, "client ids repeat: \(clientIDs)")
        let sourceIDs = configuration.cameras.map(\.id) + configuration.groups.map(\.id)
        invariant(Set(sourceIDs).count == sourceIDs.count, "camera and group ids repeat: \(sourceIDs)")
        for camera in configuration.cameras {
            invariant(clientIDs.contains(camera.client), "camera \(camera.id) names the unknown client \(camera.client)")
        }
        var grouped: Set<String> = []
        for group in configuration.groups {
            invariant(
                group.cameras.count == GroupConfiguration.size && Set(group.cameras).count == group.cameras.count,
                "group \(group.id) has cameras \(group.cameras)")
            let cameras = group.cameras.compactMap(configuration.camera)
            invariant(cameras.count == group.cameras.count, "group \(group.id) names unknown cameras: \(group.cameras)")
            invariant(Set(cameras.map(\.client)).count <= 1, "group \(group.id) mixes clients")
            for id in group.cameras {
                invariant(grouped.insert(id).inserted, "camera \(id) is in two groups")
            }
        }
    }

    /// A character no problem may print raw: C0 and C1 controls, DEL, the line and paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
