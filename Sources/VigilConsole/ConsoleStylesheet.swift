/// `/static/console.css`: every style of the console's pages (the CSP allows no inline style).
enum ConsoleStylesheet {
    static let text = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
        header { background: #1d2430; color: #fff; padding: 0.6rem 1.2rem; display: flex; justify-content: space-between; align-items: center; }
        header a, header button { color: #fff; }
        header form { display: inline; margin: 0; }
        header button { background: none; border: 1px solid #fff; border-radius: 3px; cursor: pointer; }
        main { padding: 1.2rem; max-width: 1100px; }
        table { border-collapse: collapse; background: #fff; }
        th, td { border-bottom: 1px solid #dde1e7; padding: 0.3rem 0.7rem; text-align: left; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        .figures { display: flex; gap: 1rem; margin-bottom: 1.2rem; }
        .figure { background: #fff; padding: 0.8rem 1.2rem; border: 1px solid #dde1e7; border-radius: 4px; }
        .figure .value { font-size: 1.5rem; font-weight: 600; }
        svg.chart { background: #fff; border: 1px solid #dde1e7; }
        svg.chart rect.bar { fill: #3b6fd8; }
        svg.chart text { font-size: 10px; fill: #556; }
        svg.chart line.axis { stroke: #99a; }
        .error { color: #b00020; }
        .created { background: #fff; border: 1px solid #2f9e66; padding: 0.4rem 1rem; margin-bottom: 1rem; }
        .created code { font-size: 1.05rem; word-break: break-all; }
        form.login input[type=password] { width: 28rem; }
        header nav a { margin-right: 1rem; }
        h1, h2 { font-weight: 600; }
        tfoot th { border-top: 2px solid #99a; }
        form { margin: 0.6rem 0; }
        form label { margin-right: 0.8rem; }
        td form { margin: 0; }
        img.evidence { display: block; border: 1px solid #dde1e7; }
        svg.timeline rect.session { fill: #2f9e66; }
        svg.timeline rect.session.open { fill: #56c28a; }
        svg.timeline line.grid { stroke: #dde1e7; }
        svg.budget rect.track { fill: #e6e9ee; }
        svg.budget rect.used { fill: #2f9e66; }
        svg.budget rect.used.degraded { fill: #d9a21b; }
        svg.budget rect.used.paused { fill: #b00020; }
        @media print {
          body { background: #fff; color: #000; }
          header { background: none; color: #000; border-bottom: 1px solid #000; }
          header a { color: #000; text-decoration: none; }
          header form, main form, header nav a + a { display: none; }
          main { max-width: none; padding: 0; }
          a { color: #000; text-decoration: none; }
          table { page-break-inside: auto; }
          tr { page-break-inside: avoid; }
          svg.chart, .figure { border-color: #000; }
        }
        """
}
