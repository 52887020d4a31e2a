import LivingLabCore
import Testing

@Suite("Criteria language")
struct CriteriaTests {
    let bakery = Merchant(id: "m01", name: "Au Pain", sector: "bakery", segment: "Fondaudège-Sud", positionMetres: 120,
                          maturity: 1, association: "Les Vitrines")
    let florist = Merchant(id: "m02", name: "Fleurs", sector: "florist", segment: "Barrière", positionMetres: 1300, maturity: 3)

    @Test("selects merchants by sector list, maturity and segment")
    func selectsByExample() throws {
        let criteria = try Criteria(#"sector in [bakery, butcher] and maturity <= 2 and segment != "Barrière""#)
        #expect(criteria.matches(bakery))
        #expect(!criteria.matches(florist))
    }

    @Test("honours or, not, parentheses and booleans")
    func combinators() throws {
        #expect(try Criteria("not (member = true) or position > 1250").matches(florist))
        #expect(!(try Criteria("not (member = true) and position < 1250").matches(bakery)))
        #expect(try Criteria("sector not in [florist] and member = true").matches(bakery))
        #expect(try Criteria("maturity >= 3 or sector = bakery").matches(bakery))
        #expect(try Criteria("").matches(florist))
        #expect(try Criteria("id = m02").matches(florist))
    }

    @Test("points at the column of an unknown attribute and lists the known ones")
    func unknownAttribute() {
        let error = #expect(throws: LabError.self) { try Criteria("sector = bakery and maturty <= 2") }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("column 21") == true)
        #expect(error?.message.contains("maturity") == true)
    }

    @Test("explains each kind of syntax error with its column", arguments: [
        ("sector in [bakery, butcher", "column 27", "`,` or `]`"),
        ("maturity <= ", "column 13", "expected a value"),
        ("(maturity <= 2", "column 15", "`)`"),
        ("segment != \"Barrière", "column 12", "never closed"),
        ("maturity <= high", "column 13", "a number"),
        ("sector bakery", "column 8", "comparison"),
        ("maturity ! 2", "column 10", "`!=`"),
        // Found by the criteria fuzz target: a number too large for an Int crashed the message that names it.
        ("99999999999999999999", "column 1", "found 1e+20"),
        ("maturity <= 2 99999999999999999999", "column 15", "1e+20"),
    ])
    func syntaxErrors(source: String, column: String, hint: String) {
        let error = #expect(throws: LabError.self) { try Criteria(source) }
        #expect(error?.message.contains(column) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(hint) == true, "\(error?.message ?? "")")
    }
}
