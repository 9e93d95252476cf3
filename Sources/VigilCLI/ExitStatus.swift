import ArgumentParser

/// What `vigil`'s exit codes mean (sysexits.h values where one fits).
enum ExitStatus {
    /// Something failed that is not one of the cases below.
    static let failure: Int32 = 1
    /// The configuration or another input is invalid (EX_DATAERR).
    static let invalidInput: Int32 = 65
    /// The database, Gemini or a camera could not be reached, or the feature is not available yet (EX_UNAVAILABLE).
    static let unavailable: Int32 = 69
}

/// Prints to standard error.
func printError(_ message: String) {
    FileHandleOutput.standardError.write(message + "\n")
}
