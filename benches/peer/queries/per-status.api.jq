.data.statistieken | {alle: .aantalOpdrachten, perStatus: [.perStatus[] | [.opdrachtStatus, .aantal]]}
