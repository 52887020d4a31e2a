import Foundation
import LivingLabAnalysis
import LivingLabTrials

/// Colours of arms in charts: the first (control) grey-blue, treatments in strong colours.
enum Palette {
    static let lines = ["#5b7aa6", "#d1495b", "#2e8b57", "#8e6cc0", "#e08a00"]
    static let shock = "#f6c667"
}

/// Axis ticks at round numbers covering `low...high`.
func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    let span = max(high - low, 1e-9)
    let raw = span / Double(count)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var ticks: [Double] = []
    let first = Int(floor(low / step + 1e-9)), last = Int(ceil(high / step - 1e-9))
    for k in first...max(first, last) { ticks.append(Double(k) * step) }
    return ticks
}

/// The weekly series as an SVG line chart, with shock weeks shaded and the trial start marked.
struct WeeklyChart {
    var series: WeeklySeries
    var words: ChartWords
    let width = 960.0, height = 340.0
    let left = 60.0, right = 20.0, top = 28.0, bottom = 58.0

    var svg: String {
        let weeks = series.weeks.count
        guard weeks > 0 else { return "" }
        let values = series.lines.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        let high = max(values.max() ?? 1, 1e-9)
        let ticks = niceTicks(min(0, values.min() ?? 0), high)
        let yLow = ticks.first ?? 0, yHigh = max(ticks.last ?? high, high)
        let plotW = width - left - right, plotH = height - top - bottom
        let step = plotW / Double(weeks)
        func x(_ w: Double) -> Double { left + step * (w + 0.5) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - yLow) / max(yHigh - yLow, 1e-9)) }
        var out = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(esc(words.weekly))\" font-family=\"system-ui,sans-serif\" font-size=\"12\">"
        for band in series.bands {
            let x0 = left + step * Double(band.firstWeek), x1 = left + step * Double(band.lastWeek + 1)
            out += "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(x1 - x0))\" height=\"\(f(plotH))\" fill=\"\(Palette.shock)\" fill-opacity=\"0.35\"><title>\(esc(band.shock))</title></rect>"
            // Label a band only where its text fits; every shock is listed under the chart anyway.
            let label = "\(band.kind): \(band.segments.joined(separator: ", "))"
            if Double(label.count) * 6.2 + 8 <= x1 - x0 {
                out += "<text x=\"\(f(x0 + 4))\" y=\"\(f(top + 14))\" fill=\"#8a5a00\" font-size=\"11\">\(esc(label))</text>"
            } else if Double(band.kind.count) * 6.2 + 8 <= x1 - x0 {
                out += "<text x=\"\(f(x0 + 4))\" y=\"\(f(top + 14))\" fill=\"#8a5a00\" font-size=\"11\">\(esc(band.kind))</text>"
            }
        }
        for t in ticks {
            out += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(t)))\" y2=\"\(f(y(t)))\" stroke=\"#e3e6eb\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\" fill=\"#5b6475\">\(words.number(tickLabel(t)))</text>"
        }
        let labelEvery = max(1, Int((Double(weeks) / 14).rounded(.up)))
        for w in stride(from: 0, to: weeks, by: labelEvery) {
            out += "<text x=\"\(f(x(Double(w))))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" fill=\"#5b6475\" font-size=\"11\">\(esc(String(series.labels[w].suffix(3))))</text>"
        }
        out += "<text x=\"\(f(width - right))\" y=\"\(f(height - 13))\" text-anchor=\"end\" fill=\"#5b6475\" font-size=\"11\">\(esc(series.weeks.first ?? "")) → \(esc(series.weeks.last ?? ""))</text>"
        let markers: [(Int, String)] = [(series.trialStartWeek, words.trialStart)]
            + (series.followUpStartWeek.map { [($0, words.followUp)] } ?? [])
        for (week, label) in markers where week < weeks {
            let xs = left + step * Double(week)
            out += "<line x1=\"\(f(xs))\" x2=\"\(f(xs))\" y1=\"\(f(top - 6))\" y2=\"\(f(top + plotH))\" stroke=\"#23395d\" stroke-dasharray=\"5 4\"/>"
            out += "<text x=\"\(f(xs + 4))\" y=\"\(f(top - 10))\" fill=\"#23395d\" font-size=\"11\">\(esc(label))</text>"
        }
        for (k, line) in series.lines.enumerated() {
            let colour = Palette.lines[k % Palette.lines.count]
            var segments: [[String]] = [[]]
            for (w, value) in line.values.enumerated() {
                if let value, value.isFinite {
                    segments[segments.count - 1].append("\(f(x(Double(w)))),\(f(y(value)))")
                } else if !(segments.last ?? []).isEmpty {
                    segments.append([])
                }
            }
            for points in segments where !points.isEmpty {
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.5\" points=\"\(points.joined(separator: " "))\"/>"
                for p in points {
                    let xy = p.split(separator: ",")
                    out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(colour)\"/>"
                }
            }
            let lx = left + Double(k) * 170
            out += "<rect x=\"\(f(lx))\" y=\"\(f(height - 18))\" width=\"14\" height=\"4\" fill=\"\(colour)\"/><text x=\"\(f(lx + 20))\" y=\"\(f(height - 13))\">\(esc(words.line(line.name)))</text>"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#c9ced6\"/>"
        return out + "</svg>"
    }
}

/// Each metric's interval on its own scale around zero: a forest plot where harm is red and benefit green.
struct ForestPlot {
    var metrics: [MetricReport]
    var words: ChartWords
    let width = 960.0, rowHeight = 34.0, labelWidth = 220.0

    var svg: String {
        let rows = metrics.filter { $0.estimate != nil }
        guard !rows.isEmpty else { return "" }
        let height = rowHeight * Double(rows.count) + 30
        let plotLeft = labelWidth, plotRight = width - 200
        let mid = (plotLeft + plotRight) / 2, half = (plotRight - plotLeft) / 2
        var out = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(esc(words.effects))\" font-family=\"system-ui,sans-serif\" font-size=\"13\">"
        out += "<line x1=\"\(f(mid))\" x2=\"\(f(mid))\" y1=\"4\" y2=\"\(f(height - 22))\" stroke=\"#5b6475\" stroke-dasharray=\"3 3\"/>"
        out += "<text x=\"\(f(mid))\" y=\"\(f(height - 6))\" text-anchor=\"middle\" fill=\"#5b6475\" font-size=\"11\">\(esc(words.zero))</text>"
        for (i, m) in rows.enumerated() {
            let e = m.estimate!
            let cy = rowHeight * Double(i) + rowHeight / 2 + 4
            let finite = [e.lower, e.upper, e.estimate].filter(\.isFinite).map(abs)
            let scale = max(finite.max() ?? 1, 1e-9) * 1.1
            func x(_ v: Double) -> Double {
                guard v.isFinite else { return v > 0 ? plotRight : plotLeft }
                return mid + half * max(-1, min(1, v / scale))
            }
            let good = m.direction == .increaseIsGood ? e.lower > 0 : e.upper < 0
            let bad = m.direction == .increaseIsGood ? e.upper < 0 : e.lower > 0
            let colour = bad ? "#b3261e" : (good ? "#2e8b57" : "#23395d")
            out += "<text x=\"4\" y=\"\(f(cy + 4))\">\(esc(words.metric(m.name)))</text><text x=\"\(f(labelWidth - 8))\" y=\"\(f(cy + 4))\" text-anchor=\"end\" fill=\"#5b6475\" font-size=\"11\">\(esc(words.role(m.role)))</text>"
            out += "<line x1=\"\(f(x(e.lower)))\" x2=\"\(f(x(e.upper)))\" y1=\"\(f(cy))\" y2=\"\(f(cy))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            out += "<circle cx=\"\(f(x(e.estimate)))\" cy=\"\(f(cy))\" r=\"6\" fill=\"\(colour)\"/>"
            out += "<text x=\"\(f(plotRight + 10))\" y=\"\(f(cy + 4))\" fill=\"\(colour)\">\(esc(words.estimate(e)))</text>"
        }
        return out + "</svg>"
    }
}

/// The consent funnel as horizontal bars.
struct FunnelChart {
    var funnel: ConsentFunnel
    var words: ChartWords

    var svg: String {
        let bars: [(String, Int, String)] = [
            (words.invited, funnel.invited, "#5b7aa6"), (words.consented, funnel.consented, "#2e8b57"),
            (words.active, funnel.active, "#23395d"), (words.withdrawn, funnel.withdrawn, "#d1495b"),
        ]
        let width = 960.0, rowHeight = 30.0, labelWidth = 200.0
        let top = Double(max(1, bars.map(\.1).max() ?? 1))
        var out = "<svg viewBox=\"0 0 \(Int(width)) \(Int(rowHeight * 4 + 8))\" role=\"img\" aria-label=\"\(esc(words.funnel))\" font-family=\"system-ui,sans-serif\" font-size=\"13\">"
        for (i, bar) in bars.enumerated() {
            let y = rowHeight * Double(i) + 4
            let w = (width - labelWidth - 60) * Double(bar.1) / top
            out += "<text x=\"4\" y=\"\(f(y + 17))\">\(esc(bar.0))</text>"
            out += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(max(w, 1)))\" height=\"20\" rx=\"3\" fill=\"\(bar.2)\"/>"
            out += "<text x=\"\(f(labelWidth + w + 6))\" y=\"\(f(y + 17))\">\(bar.1)</text>"
        }
        return out + "</svg>"
    }
}

/// An axis label without trailing zeros (40, 2.5, 0.25).
func tickLabel(_ x: Double) -> String {
    var text = String(format: "%.4f", x)
    while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
    return text == "-0" ? "0" : text
}

/// SVG coordinates with one decimal.
func f(_ x: Double) -> String { String(format: "%.1f", x) }

/// Escapes text for SVG.
private func esc(_ text: String) -> String { HTML.escape(text) }
