// libFuzzer target FuzzVerdict: the model's answer text turned into verdicts by
// `VerdictParser.verdicts(from:prompt:frameSizes:)`, for a single camera's prompt and for a group's.
//
// Run every target: `scripts/fuzz [SECONDS]` from the repository root. This one alone, once built:
//   Fuzz/.build/release/FuzzVerdict -dict=Fuzz/Dictionaries/FuzzVerdict.dict DIR
// where DIR is a copy of Fuzz/Corpus/FuzzVerdict/ (libFuzzer adds the inputs it finds to it).
// Seeds: answers as Gemini gives them (single, group, in a code fence) and answers to refuse.
import FuzzSupport
import VigilCore
import VigilGemini

/// libFuzzer's entry point: one input, checked. Always 0 (the input may join the corpus).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVerdict(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    VerdictTarget.run(FuzzInput.text(data, size))
    return 0
}

/// What holds for any answer text: it is refused with a reason, or it gives exactly one verdict per
/// camera of the prompt, in quadrant order, each with an allowed incident type that agrees with
/// `incident_detected` and a confidence from 0 to 1 ("nothing is guessed").
enum VerdictTarget {
    /// The four cameras of the group, in quadrant order, and the one alone.
    static let groupCameras = [
        camera("ng-forecourt", "Forecourt"), camera("ng-pumps", "Pumps"), camera("ng-shop", "Shop Counter"), camera("ng-yard", "Back Yard"),
    ]
    static let prompts = [
        AnalysisPrompt(source: .camera(camera("till", "Till"))),
        AnalysisPrompt(
            source: .group(GroupConfiguration(id: "ng-site", name: "Northside site", cameras: groupCameras.map(\.id)), groupCameras),
            missing: ["ng-yard"]),
    ]
    static let frameSizes = ["till": "1920x1080", "ng-pumps": "1280x720"]

    static func camera(_ id: String, _ name: String) -> CameraConfiguration {
        guard let url = try? StreamURL.parse("rtsp://127.0.0.1:8554/\(id)") else {
            fatalError("the fixed stream URL of \(id) does not parse")
        }
        return CameraConfiguration(id: id, name: name, url: url, client: "northside-garage")
    }

    static func run(_ text: String) {
        for prompt in prompts {
            let verdicts: [CameraVerdict]
            do {
                verdicts = try VerdictParser.verdicts(from: text, prompt: prompt, frameSizes: frameSizes)
            } catch {
                invariant(!error.reason.isEmpty, "an answer refused without a reason")
                continue
            }
            check(verdicts, prompt: prompt, text: text)
        }
    }

    static func check(_ verdicts: [CameraVerdict], prompt: AnalysisPrompt, text: String) {
        invariant(
            verdicts.map(\.cameraID) == prompt.cameraIDs,
            "verdicts for \(verdicts.map(\.cameraID)), asked for \(prompt.cameraIDs) in that order")
        for (index, verdict) in verdicts.enumerated() {
            let id = verdict.cameraID
            invariant(
                verdict.quadrant == (prompt.isGroup ? index : nil), "camera \(id) has quadrant \(String(describing: verdict.quadrant))")
            invariant(CameraVerdict.incidentTypes.contains(verdict.incidentType), "camera \(id) has incident type \(verdict.incidentType)")
            invariant(
                verdict.incidentDetected == (verdict.incidentType != "none"),
                "camera \(id): incident_detected \(verdict.incidentDetected) with incident type \(verdict.incidentType)")
            let confidence = verdict.confidence.flatMap(Double.init)
            invariant(
                confidence.map { $0.isFinite && (0...1).contains($0) } == true,
                "camera \(id) has confidence \(verdict.confidence ?? "none")")
            invariant(verdict.frameSize == frameSizes[id], "camera \(id) has frame size \(verdict.frameSize ?? "none")")
            invariant(verdict.frameCount == 1, "camera \(id) has \(verdict.frameCount) frames")
            invariant(verdict.analysisText == text, "camera \(id) does not keep the answer text")
        }
    }
}
