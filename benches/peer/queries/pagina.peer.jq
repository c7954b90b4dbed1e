.data.allOpdrachtens | {totalCount, rijen: [.nodes[] | {
  externId, naam, status, soort, onderwijssoort, startdatum, einddatum, aantalStudenten,
  opdrachtgever: .organisatieByOpdrachtgeverId.naam, oin: .organisatieByOpdrachtgeverId.oin,
  moeder: .organisatieByOpdrachtgeverId.organisatieByParentId.naam,
  uitvoerders: ([.opdrachtUitvoerdersByOpdrachtId.nodes[].organisatieByOrganisatieId.naam] | sort),
  fieldlab: .fieldlabByFieldlabId.naam,
  fieldlabThemas: (if .fieldlabByFieldlabId
    then [.fieldlabByFieldlabId.fieldlabThemasByFieldlabId.nodes[].themaCode] | sort else null end),
  lectoraat: .lectoraatByLectoraatId.naam, minor: .minorByMinorId.naam,
  themas: ([.opdrachtThemasByOpdrachtId.nodes[].themaByThemaCode | [.code, .naam]] | sort)
}]}
