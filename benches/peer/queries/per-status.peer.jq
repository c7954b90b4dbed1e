.data | {alle: .alle.totalCount, perStatus: [
  ["IN_VOORBEREIDING", .inVoorbereiding.totalCount], ["IN_UITVOERING", .inUitvoering.totalCount],
  ["AFGEROND", .afgerond.totalCount], ["ONBEKEND", .onbekend.totalCount]]}
