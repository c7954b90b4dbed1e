# The rows of the API's page, in order, as compared with PostGraphile's (ids are opaque in the
# API, so a row is its extern id and fields; sets of links sorted).
.data.opdrachten | {totalCount, rijen: [.nodes[] | {
  externId, naam, status: .opdrachtStatus, soort: .opdrachtSoort, onderwijssoort, startdatum,
  einddatum, aantalStudenten,
  opdrachtgever: .opdrachtgever.naam, oin: .opdrachtgever.oin,
  moeder: .opdrachtgever.moederorganisatie.naam,
  uitvoerders: ([.uitvoerders[].naam] | sort),
  fieldlab: .fieldlab.naam,
  fieldlabThemas: (if .fieldlab then [.fieldlab.themas[]?.code] | sort else null end),
  lectoraat: .lectoraat.naam, minor: .minor.naam,
  themas: ([.themas[] | [.code, .naam]] | sort)
}]}
