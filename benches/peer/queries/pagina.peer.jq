.data.allOpdrachtens | {totalCount, rijen: [.nodes[] | {
  externId, naam, status, soort, onderwijssoort, startdatum, einddatum, aantalStudenten,
  opdrachtgever: .organisatyByOpdrachtgeverId.naam, oin: .organisatyByOpdrachtgeverId.oin,
  moeder: .organisatyByOpdrachtgeverId.organisatyByParentId.naam,
  uitvoerders: ([.opdrachtUitvoerdersByOpdrachtId.nodes[].organisatyByOrganisatieId.naam] | sort),
  fieldlab: .fieldlabByFieldlabId.naam,
  fieldlabThemas: (if .fieldlabByFieldlabId
    then [.fieldlabByFieldlabId.fieldlabThemasByFieldlabId.nodes[].themaCode] | sort else null end),
  lectoraat: .lectoratenByLectoraatId.naam, minor: .minorenByMinorId.naam,
  themas: ([.opdrachtThemasByOpdrachtId.nodes[].themaByThemaCode | [.code, .naamNl]] | sort)
}]}
