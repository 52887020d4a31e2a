import FuzzDriver
import LivingLabCore
import LivingLabTrials

/// Protocol YAML: any text is read as a protocol and validated, or refused with a `LabError`; alias bombs and deep
/// nesting are refused by their limits before the YAML decoder expands them.
@_cdecl("FuzzProtocolYAML_main")
func fuzzProtocolYAMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let definition = try? LabFiles.decodeYAML(ExperimentProtocol.self, text: text(data, size), path: "fuzz.yaml")
        else { return 0 }
        _ = try? definition.validate()
        return 0
    }
}
