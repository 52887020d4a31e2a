import FuzzDriver
import LivingLabCore

/// The criteria parser and matcher: any text either parses or is refused with a `LabError` (never a crash, a hang or
/// a stack overflow), and what parses can be matched against a merchant.
@_cdecl("FuzzCriteria_main")
func fuzzCriteriaMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let criteria = try? Criteria(text(data, size)) else { return 0 }
        let merchant = Merchant(id: "m1", name: "Boulangerie", sector: "bakery", segment: "Nord", positionMetres: 100,
                                maturity: 2, association: "ACF")
        _ = criteria.matches(merchant)
        return 0
    }
}
