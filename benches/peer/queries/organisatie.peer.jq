.data.organisatyBySchacHome | {naam, afkorting, regio, website}
