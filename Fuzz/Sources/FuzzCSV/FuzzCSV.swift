import FuzzDriver
import LivingLabCore

/// CSV import: any bytes are read as a table or refused with a `LabError`; a table's rows become merchants and
/// outcomes, or row problems with their line numbers.
@_cdecl("FuzzCSV_main")
func fuzzCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        let input = text(data, size)
        if let table = try? CSVTable(parsing: input, required: CSVImport.merchantColumns.prefix(6).map { $0 }) {
            let (merchants, problems) = CSVImport.merchants(table)
            precondition(merchants.count + problems.count == table.rows.count, "a merchant row was neither read nor refused")
        }
        if let table = try? CSVTable(parsing: input, required: CSVImport.outcomeColumns) {
            let (outcomes, problems) = CSVImport.outcomes(table, source: "fuzz")
            precondition(outcomes.count + problems.count == table.rows.count, "an outcome row was neither read nor refused")
        }
        return 0
    }
}
