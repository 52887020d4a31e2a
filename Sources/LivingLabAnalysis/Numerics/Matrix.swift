import Foundation

/// A dense row-major matrix, just enough for regression.
struct Matrix: Sendable {
    var rows: Int
    var cols: Int
    var data: [Double]

    init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.rows = rows
        self.cols = cols
        data = Array(repeating: value, count: rows * cols)
    }

    /// Builds a matrix from columns of equal length.
    init(columns: [[Double]]) {
        cols = columns.count
        rows = columns.first?.count ?? 0
        data = Array(repeating: 0, count: rows * cols)
        for (j, column) in columns.enumerated() {
            for i in 0..<rows { data[i * cols + j] = column[i] }
        }
    }

    subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }
}
