.data.organisatieBySchacHome | {naam, afkorting, regio, website}
