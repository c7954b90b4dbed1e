.data.statistieken | {alle: .aantalOpdrachten,
  perStatus: [.perStatus[] | [.opdrachtStatus, .aantal]],
  perOnderwijssoort: [.perOnderwijssoort[] | [.onderwijssoort, .aantal]]}
